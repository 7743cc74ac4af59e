package slack

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
		{"at the limit", strings.Repeat("a", maxTextChars), true},
		{"one over", strings.Repeat("a", maxTextChars+1), false},
		// Slack counts characters: multi-byte text gets as many as ASCII.
		{"characters, not bytes", strings.Repeat("é", maxTextChars), true},
		// & renders as &amp;: the escaped text is what Slack counts.
		{"escaping counts", strings.Repeat("&", maxTextChars/5+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := connector.Message{Body: richtext.Plain(tt.body), Author: core.Author{Name: strings.Repeat("n", 500)}}
			if got := (&Client{}).Fits(m); got != tt.want {
				t.Fatalf("Fits = %v, want %v", got, tt.want)
			}
		})
	}
}
