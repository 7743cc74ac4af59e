package webex

import (
	"strings"
	"testing"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

func TestFits(t *testing.T) {
	// The byline "**Ann**: " takes 9 bytes of the field.
	byline := len("**Ann**: ")
	tests := []struct {
		name string
		body string
		want bool
	}{
		{"at the limit with the byline", strings.Repeat("a", maxText-byline), true},
		{"the byline pushes it over", strings.Repeat("a", maxText-byline+1), false},
		{"bytes, not characters", strings.Repeat("é", (maxText-byline)/2+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := connector.Message{Body: richtext.Plain(tt.body), Author: core.Author{Name: "Ann"}}
			if got := (&Client{}).Fits(m); got != tt.want {
				t.Fatalf("Fits = %v, want %v", got, tt.want)
			}
		})
	}
}
