package webex

import (
	"strings"
	"testing"
)

// TestEscapedMentionsMentionNobody: Webex markdown is CommonMark, where
// "\<" is a literal '<'; what follows it is text, not a mention.
func TestEscapedMentionsMentionNobody(t *testing.T) {
	resolve := func(kind, v string) string { return "P-" + v }
	md := `\<@all\> \<@personEmail:boss@example.com|Boss\> and <@personEmail:ann@example.com|Ann>`
	people, groups := mentionsIn(md, resolve)
	if len(groups) != 0 || len(people) != 1 || people[0] != "P-ann@example.com" {
		t.Fatalf("people %v, groups %v; want only Ann", people, groups)
	}
	if got, want := plainOf(md), `<@all> <@personEmail:boss@example.com|Boss> and Ann`; got != want {
		t.Fatalf("plain %q, want %q", got, want)
	}
	if got := htmlOf(md, resolve); strings.Count(got, "<spark-mention") != 1 {
		t.Fatalf("html %q: want Ann's mention only", got)
	}
}
