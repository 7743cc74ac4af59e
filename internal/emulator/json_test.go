package emulator

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestJSONWriter(t *testing.T) {
	tests := []struct {
		name        string
		v           any
		wantStatus  int
		wantType    string
		wantBodyHas string
	}{
		{"a value", map[string]any{"ok": false, "error": "channel_not_found"}, 200, "application/json; charset=utf-8", `"error":"channel_not_found"`},
		{"not encodable", math.NaN(), 500, "text/plain; charset=utf-8", "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			JSONWriter("application/json; charset=utf-8")(rec, http.StatusOK, tt.v)
			if rec.Code != tt.wantStatus || rec.Header().Get("Content-Type") != tt.wantType || !strings.Contains(rec.Body.String(), tt.wantBodyHas) {
				t.Fatalf("%d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
			}
		})
	}
}

func TestReadControl(t *testing.T) {
	type req struct {
		URL string `json:"url"`
	}
	tests := []struct {
		name string
		body string
		ok   bool
	}{
		{"good", `{"url":"https://x"}`, true},
		{"unknown field", `{"url":"https://x","colour":"red"}`, false},
		{"not JSON", `{`, false},
		{"empty", ``, false},
		{"too large", `{"url":"` + strings.Repeat("x", MaxControlBody) + `"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			var got req
			ok := ReadControl(rec, httptest.NewRequest(http.MethodPost, "/_emulator/x", strings.NewReader(tt.body)), &got)
			if ok != tt.ok {
				t.Fatalf("ReadControl = %v, want %v", ok, tt.ok)
			}
			if ok {
				if got.URL != "https://x" || rec.Body.Len() != 0 {
					t.Fatalf("decoded %+v, wrote %q", got, rec.Body.String())
				}
				return
			}
			var out map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 400 || out["ok"] != false || out["error"] != "invalid_json" {
				t.Fatalf("answer %d %q", rec.Code, rec.Body.String())
			}
		})
	}
}

func TestEcho(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"line\r\nX-Injected: 1", "lineX-Injected: 1"},
		{"tab\there\x7f", "tabhere"},
		{strings.Repeat("a", 100), strings.Repeat("a", 64)},
		// A character that straddles byte 64 is dropped whole, not cut.
		{strings.Repeat("a", 63) + "é" + "tail", strings.Repeat("a", 63)},
		{strings.Repeat("a", 62) + "é" + "tail", strings.Repeat("a", 62) + "é"},
		// Bytes that are no character's become U+FFFD, and still fit.
		{strings.Repeat("\x80", 300), strings.Repeat("\uFFFD", 21)},
	}
	for _, tt := range tests {
		if got := Echo(tt.in); got != tt.want {
			t.Errorf("Echo(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzEcho(f *testing.F) {
	for _, s := range []string{"", "x", "a\nb", strings.Repeat("é", 40), "\xff\xfe", strings.Repeat("a", 63) + "€"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Echo(s)
		if len(got) > maxEcho {
			t.Fatalf("%d bytes", len(got))
		}
		if strings.ContainsFunc(got, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("control character in %q", got)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 %q", got)
		}
		if clean := strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, s); !strings.HasPrefix(clean, got) {
			t.Fatalf("%q is not a prefix of the cleaned %q", got, clean)
		}
	})
}
