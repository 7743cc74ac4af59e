package teams

import (
	"strings"
	"testing"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

func TestFits(t *testing.T) {
	tests := []struct {
		name string
		body string
		want bool
	}{
		{"short", "hello", true},
		// The body is in the card twice (text and fallback), UTF-16.
		{"under the budget", strings.Repeat("a", maxActivityBytes/6), true},
		{"over it", strings.Repeat("a", maxActivityBytes/3), false},
		{"astral characters count double", strings.Repeat("😀", maxActivityBytes/6), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := connector.Message{Body: richtext.Plain(tt.body), Author: core.Author{Name: "Ann Lee"}}
			if got := (&Client{}).Fits(m); got != tt.want {
				t.Fatalf("Fits = %v, want %v", got, tt.want)
			}
		})
	}
}
