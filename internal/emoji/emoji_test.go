package emoji

import (
	"strings"
	"testing"
)

func TestCatalogueLoads(t *testing.T) {
	tb := load()
	if len(tb.byName) < 1900 || len(tb.byChar) < 1800 {
		t.Fatalf("catalogue has %d names, %d characters", len(tb.byName), len(tb.byChar))
	}
}

func TestKnown(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"thumbsup", true},
		{"+1", true},
		{"tada", true},
		{"white_check_mark", true},
		{"slightly_smiling_face", true},
		{"wave::skin-tone-3", true},
		{"wave::skin-tone-7", false},
		{"wave::skin-tone-", false},
		{"wave::skin-tone-22", false},
		{"not_an_emoji_at_all", false},
		{"Thumbsup", false},
		{"", false},
		{"👍", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Known(tt.name); got != tt.want {
				t.Fatalf("Known(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}

func TestName(t *testing.T) {
	tests := []struct {
		char, want string
	}{
		{"👍", "+1"},
		{"🎉", "tada"},
		{"❤️", "heart"},
		{"❤", "heart"},
		{"✅", "white_check_mark"},
		{"👋🏽", "wave::skin-tone-4"},
		{"🇫🇷", "fr"},
		{"🦄", "unicorn_face"},
		{"x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.char, func(t *testing.T) {
			got, ok := Name(tt.char)
			if got != tt.want || ok != (tt.want != "") {
				t.Fatalf("Name(%q) = %q, %v; want %q", tt.char, got, ok, tt.want)
			}
		})
	}
}

// TestRoundTrip: every name's characters name an emoji whose characters
// are the same, so mapping a reaction there and back keeps it.
func TestRoundTrip(t *testing.T) {
	for name, char := range load().byName {
		n, ok := Name(char)
		if !ok {
			t.Fatalf("Name(Char(%q)) not found", name)
		}
		if c, _ := Char(n); strings.ReplaceAll(c, vs16, "") != strings.ReplaceAll(char, vs16, "") {
			t.Fatalf("%q → %q → %q → %q", name, char, n, c)
		}
	}
}

func FuzzName(f *testing.F) {
	for _, s := range []string{"👍", "👋🏽", "❤️", "🇫🇷", "wave::skin-tone-3", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := Name(s); ok && !Known(n) {
			t.Fatalf("Name(%q) = %q, which is not Known", s, n)
		}
		_, _ = Char(s)
	})
}
