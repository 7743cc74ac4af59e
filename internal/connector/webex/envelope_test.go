package webex

import (
	"strings"
	"testing"
)

func TestVerify(t *testing.T) {
	secret := []byte("k")
	body := []byte(`{"id":"a"}`)
	good := sign(secret, body)
	tests := []struct {
		name, sig string
		ok        bool
	}{
		{"genuine", good, true},
		{"upper case hex", strings.ToUpper(good), true},
		{"missing", "", false},
		{"wrong", "00" + good[2:], false},
		{"truncated", good[:10], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := verify(secret, tt.sig, body); (err == nil) != tt.ok {
				t.Fatalf("verify = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func FuzzParseEnvelope(f *testing.F) {
	f.Add([]byte(`{"id":"h","resource":"messages","event":"created","orgId":"o","data":{"id":"m","roomId":"r","personId":"p"}}`))
	f.Add([]byte(`{"id":"h","data":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := parseEnvelope(body)
		if err == nil && (env.ID == "" || env.Data.ID == "" || env.Resource == "" || env.Event == "") {
			t.Fatalf("accepted an envelope without its IDs: %+v", env)
		}
	})
}
