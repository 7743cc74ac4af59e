package richtext

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// teamsAllowedTags is everything RenderTeamsHTML may write.
var teamsAllowedTags = map[string]bool{
	"b": true, "i": true, "s": true, "code": true, "pre": true, "br": true,
	"a": true, "at": true, "blockquote": true, "ul": true, "ol": true, "li": true,
}

// checkTeamsSafe fails when rendered HTML holds a tag or attribute the
// renderer must never write, or a link to anything but http(s)/mailto.
func checkTeamsSafe(t *testing.T, in, out string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.EndTagToken && tt != html.SelfClosingTagToken {
			if tt == html.CommentToken || tt == html.DoctypeToken {
				t.Fatalf("render of %q wrote markup %q", in, z.Raw())
			}
			continue
		}
		name, more := z.TagName()
		if !teamsAllowedTags[string(name)] {
			t.Fatalf("render of %q wrote tag %q in %q", in, name, out)
		}
		for more {
			var k, v []byte
			k, v, more = z.TagAttr()
			switch {
			case string(name) == "a" && string(k) == "href":
				if _, ok := safeURL(string(v)); !ok {
					t.Fatalf("render of %q wrote link %q", in, v)
				}
			case string(name) == "code" && string(k) == "class":
			default:
				t.Fatalf("render of %q wrote attribute %s on %s", in, k, name)
			}
		}
	}
}

func FuzzParseTeamsHTML(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "teams", "*.txt"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		g, err := parseTeamsGolden(string(data))
		if err != nil {
			f.Fatalf("%s: %v", path, err)
		}
		f.Add(g.input)
	}
	for _, tc := range teamsParseCases {
		f.Add(tc.in)
	}
	// Invalid UTF-8 and what HTML turns into U+FFFD (NUL, surrogate and
	// zero references), alone and split across elements: render∘parse must
	// settle on them too.
	for _, s := range []string{"\xff", "\xff<b>\xfe</b>", "a\x00b", "<at>\xff</at>", "&#0;", "&#xD800;",
		"<pre>\n\xff</pre>", "<code>\xc3</code>", "<a href=\"https://x/\xff\">\xff</a>", "<li>\xf0\x9f</li>",
		"<b>\xc3</b>\xa9", "<i>\xc3</i><i>\xa9</i>", "\xc3<br>\xa9", "<blockquote>\xc3</blockquote>\xa9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d := ParseTeamsHTML(in, teamsGoldenMentions...)
		once, ms := RenderTeamsHTML(d)
		checkTeamsSafe(t, in, once)
		for _, m := range ms {
			if !strings.Contains(once, m.Text) {
				t.Fatalf("mention text %q not in %q", m.Text, once)
			}
		}
		if utf8.ValidString(in) && !utf8.ValidString(once) {
			t.Fatalf("render of valid UTF-8 %q is invalid: %q", in, once)
		}
		d2 := ParseTeamsHTML(once, ms...)
		if twice, _ := RenderTeamsHTML(d2); twice != once {
			t.Fatalf("render∘parse not stable for %q:\nonce  %q\ntwice %q\nfirst tree:\n%s\nsecond tree:\n%s",
				in, once, twice, dump(d), dump(d2))
		}
	})
}
