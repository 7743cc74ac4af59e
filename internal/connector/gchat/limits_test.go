package gchat

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
		{"well under", strings.Repeat("a", maxMessageBytes-1000), true},
		{"the card and byline push it over", strings.Repeat("a", maxMessageBytes-10), false},
		{"bytes, not characters", strings.Repeat("é", maxMessageBytes/2), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := connector.Message{Body: richtext.Plain(tt.body), Author: core.Author{Name: "Ann Lee", Avatar: "https://example.com/a.png"}}
			if got := (&Client{}).Fits(m); got != tt.want {
				t.Fatalf("Fits = %v, want %v", got, tt.want)
			}
		})
	}
}
