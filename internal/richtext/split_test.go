package richtext

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// bytesUnder is a fits function: the mrkdwn rendering has at most n bytes.
func bytesUnder(n int) func(Doc) bool {
	return func(d Doc) bool { return len(RenderMrkdwn(d)) <= n }
}

// atoms lists the atoms of d in order, serialized, so a test can tell that
// none was cut or lost.
func atoms(d Doc) []string {
	var out []string
	d.Walk(func(n *Node) {
		switch n.Kind {
		case Code, Link, UserMention, ChannelMention, Broadcast, Emoji:
			b, _ := json.Marshal(n)
			out = append(out, string(b))
		}
	})
	return out
}

// content is the text of d's leaves without any whitespace: what a reader
// reads, whatever the cut did to spaces and newlines.
func content(d Doc) string {
	var b strings.Builder
	var walk func([]Node)
	walk = func(ns []Node) {
		for _, n := range ns {
			switch n.Kind {
			case Text, CodeBlock:
				b.WriteString(n.Text)
			case Code, Link, UserMention, ChannelMention, Broadcast, Emoji:
				j, _ := json.Marshal(n)
				b.Write(j)
			default:
				walk(n.Children)
			}
		}
	}
	walk(d.Nodes)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, b.String())
}

// checkSplit asserts Split's properties: every part fits unless it is one
// atom too big for any part, no atom is cut, nothing is lost, duplicated
// or reordered.
func checkSplit(t *testing.T, d Doc, fits func(Doc) bool, parts []Doc) {
	t.Helper()
	if len(parts) == 0 {
		t.Fatal("no parts")
	}
	var all []string
	var text strings.Builder
	for i, p := range parts {
		if !fits(p) && !indivisible(p) {
			t.Errorf("part %d does not fit: %q", i, RenderMrkdwn(p))
		}
		if p.IsEmpty() && len(parts) > 1 {
			t.Errorf("part %d is empty", i)
		}
		all = append(all, atoms(p)...)
		text.WriteString(content(p))
	}
	if got, want := strings.Join(all, "\n"), strings.Join(atoms(d), "\n"); got != want {
		t.Errorf("atoms changed:\n got %s\nwant %s", got, want)
	}
	if got, want := text.String(), content(d); got != want {
		t.Errorf("content changed:\n got %q\nwant %q", got, want)
	}
}

// indivisible reports whether p is one atom or one character, which
// Split cannot cut further even when it does not fit.
func indivisible(p Doc) bool {
	var text strings.Builder
	var walk func([]Node)
	walk = func(ns []Node) {
		for _, n := range ns {
			switch n.Kind {
			case Text, CodeBlock:
				text.WriteString(n.Text)
			case Link:
				// an atom: its label is not text Split may cut
			default:
				walk(n.Children)
			}
		}
	}
	walk(p.Nodes)
	t := strings.TrimSpace(text.String())
	switch len(atoms(p)) {
	case 0:
		return len(runeCuts(t)) == 0
	case 1:
		return t == ""
	}
	return false
}

func TestSplitKeepsWhatFits(t *testing.T) {
	d := ParseMrkdwn("hello *world*")
	parts := Split(d, bytesUnder(100))
	if len(parts) != 1 || RenderMrkdwn(parts[0]) != "hello *world*" {
		t.Fatalf("parts = %v", parts)
	}
}

func TestSplitBoundaries(t *testing.T) {
	long := strings.Repeat("word ", 30)
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string // mrkdwn of each part
	}{
		{"paragraphs first", "first paragraph here\n\nsecond paragraph here", 30,
			[]string{"first paragraph here", "second paragraph here"}},
		{"blocks before lines", "intro line\n```\ncode one\ncode two\n```\noutro", 30,
			[]string{"intro line", "```\ncode one\ncode two\n```", "outro"}},
		{"lines before words", "alpha beta gamma\ndelta epsilon", 20,
			[]string{"alpha beta gamma", "delta epsilon"}},
		{"words", "alpha beta gamma delta", 12,
			[]string{"alpha beta", "gamma delta"}},
		{"a long word last", "abcdefghijklmnopqrstuvwxyz", 10,
			[]string{"abcdefghij", "klmnopqrst", "uvwxyz"}},
		{"bold repeats on both sides", "*alpha beta gamma delta*", 14,
			[]string{"*alpha beta*", "*gamma delta*"}},
		{"code block cut by lines stays code", "```\nline one\nline two\nline three\n```", 25,
			[]string{"```\nline one\nline two\n```", "```\nline three\n```"}},
		{"mention is never cut", "hi <@U12345678|somebody> there", 14,
			[]string{"hi", "<@U12345678>", "there"}},
		{"link is never cut", "see <https://example.com/a/long/path|the docs> now", 30,
			[]string{"see", "<https://example.com/a/long/path|the docs>", "now"}},
		{"code span is never cut", "run `go test ./...` please", 20,
			[]string{"run `go test ./...`", "please"}},
		{"list items", "• one one\n• two two\n• three", 24,
			[]string{"• one one\n• two two", "• three"}},
		{"quote", "> quoted line one\n> quoted line two", 20,
			[]string{"> quoted line one", "> quoted line two"}},
		{"many words", long, 40, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ParseMrkdwn(tt.in)
			fits := bytesUnder(tt.limit)
			parts := Split(d, fits)
			checkSplit(t, d, fits, parts)
			if tt.want == nil {
				if len(parts) < 2 {
					t.Fatalf("%d parts", len(parts))
				}
				return
			}
			var got []string
			for _, p := range parts {
				got = append(got, RenderMrkdwn(p))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("parts:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSplitNeverCutsACharacter(t *testing.T) {
	// "e" with a combining acute, and a family emoji joined by ZWJs.
	word := strings.Repeat("e\u0301", 10) + "\U0001F468\u200d\U0001F469\u200d\U0001F467"
	d := Plain(word)
	fits := bytesUnder(7)
	parts := Split(d, fits)
	checkSplit(t, d, fits, parts)
	for i, p := range parts {
		s := RenderPlain(p)
		if !utf8.ValidString(s) {
			t.Fatalf("part %d is not valid UTF-8", i)
		}
		r, _ := utf8.DecodeRuneInString(s)
		if joins(r) {
			t.Fatalf("part %d starts inside a character: %q", i, s)
		}
	}
}

func TestSplitAtomTooBigGetsItsOwnPart(t *testing.T) {
	d := ParseMrkdwn("a <https://example.com/very/long/url/indeed> b")
	fits := bytesUnder(10)
	parts := Split(d, fits)
	checkSplit(t, d, fits, parts)
	if len(parts) != 3 {
		t.Fatalf("%d parts, want 3", len(parts))
	}
}

// TestSplitLargeMessage is the shape the router meets: 20,000 characters
// of mentions, links, code spans and a code block, cut for Webex.
func TestSplitLargeMessage(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 20000; i++ {
		fmt.Fprintf(&b, "Line %d for <@U0%07d> with <https://example.com/%d|a link> and `code %d` :tada: and more words to pad it out.\n", i, i, i, i)
		if i%50 == 25 {
			b.WriteString("```\n" + strings.Repeat("code line inside the block\n", 40) + "```\n")
		}
	}
	d := ParseMrkdwn(b.String())
	fits := func(d Doc) bool { return len(RenderWebexMarkdown(d)) <= 7439 }
	parts := Split(d, fits)
	if len(parts) < 3 {
		t.Fatalf("%d parts, want 3 or more", len(parts))
	}
	checkSplit(t, d, fits, parts)
	for i, p := range parts {
		for _, n := range p.Nodes {
			if n.Kind == CodeBlock && strings.Contains(n.Text, "```") {
				t.Fatalf("part %d: a code block holds a fence", i)
			}
		}
	}
}

func FuzzSplit(f *testing.F) {
	addGoldenSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		d := ParseMrkdwn(in)
		size := len(RenderMrkdwn(d))
		for _, limit := range []int{1, 8, size / 3, size / 2} {
			fits := bytesUnder(limit)
			checkSplit(t, d, fits, Split(d, fits))
		}
	})
}
