package bus

import (
	"errors"
	"strings"
	"testing"

	"parley/internal/core"
)

func TestParseSubject(t *testing.T) {
	tests := []struct {
		name       string
		subject    string
		wantTenant core.TenantID
		wantLane   string
		wantErr    bool
	}{
		{name: "valid", subject: "S.acme.l1", wantTenant: "acme", wantLane: "l1"},
		{name: "other stream", subject: "T.acme.l1", wantErr: true},
		{name: "stream prefix only", subject: "SS.acme.l1", wantErr: true},
		{name: "no lane", subject: "S.acme", wantErr: true},
		{name: "empty lane", subject: "S.acme.", wantErr: true},
		{name: "empty tenant", subject: "S..l1", wantErr: true},
		{name: "extra token", subject: "S.acme.l1.x", wantErr: true},
		{name: "empty", subject: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tenant, lane, err := parseSubject("S", tt.subject)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidToken) {
					t.Fatalf("err = %v, want ErrInvalidToken", err)
				}
				return
			}
			if err != nil || tenant != tt.wantTenant || lane != tt.wantLane {
				t.Fatalf("= %q, %q, %v; want %q, %q", tenant, lane, err, tt.wantTenant, tt.wantLane)
			}
		})
	}
}

func FuzzParseSubject(f *testing.F) {
	for _, s := range []string{"S.a.b", "S.a", "S.a.b.c", "S..", "S.*.>", "S.a b.c", "", "S.é.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, subj string) {
		tenant, lane, err := parseSubject("S", subj)
		if err != nil {
			return
		}
		// Whatever parses must round-trip and be a valid subject.
		back, err := subject("S", tenant, lane)
		if err != nil {
			t.Fatalf("parsed %q into tokens subject rejects: %v", subj, err)
		}
		if back != subj {
			t.Fatalf("round trip %q -> %q", subj, back)
		}
		if strings.Count(back, ".") != 2 || strings.ContainsAny(back, "*> \t\r\n") {
			t.Fatalf("subject %q is not three literal tokens", back)
		}
	})
}

func FuzzSubject(f *testing.F) {
	f.Add("acme", "lane")
	f.Add("a.b", "c")
	f.Add("a", ">")
	f.Fuzz(func(t *testing.T, tenant, lane string) {
		subj, err := subject("S", core.TenantID(tenant), lane)
		if err != nil {
			return
		}
		gotTenant, gotLane, err := parseSubject("S", subj)
		if err != nil || string(gotTenant) != tenant || gotLane != lane {
			t.Fatalf("subject %q parses to %q, %q, %v", subj, gotTenant, gotLane, err)
		}
	})
}
