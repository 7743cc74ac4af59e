package richtext

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The Webex golden files reuse the mrkdwn layout; the last section holds
// the Webex markdown re-rendering.
func TestWebexGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "webex", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files found")
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := parseGolden(string(data))
			if err != nil {
				t.Fatal(err)
			}
			d := ParseWebexMarkdown(want.input)
			got := golden{input: want.input, ast: dump(d), plain: RenderPlain(d), mrkdwn: RenderWebexMarkdown(d)}
			if *update {
				if err := os.WriteFile(path, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got.ast != want.ast {
				t.Errorf("tree:\ngot\n%s\nwant\n%s", got.ast, want.ast)
			}
			if got.plain != want.plain {
				t.Errorf("plain:\ngot  %q\nwant %q", got.plain, want.plain)
			}
			if got.mrkdwn != want.mrkdwn {
				t.Errorf("webex:\ngot  %q\nwant %q", got.mrkdwn, want.mrkdwn)
			}
			if again := RenderWebexMarkdown(ParseWebexMarkdown(got.mrkdwn)); again != got.mrkdwn {
				t.Errorf("re-rendering is not a fixpoint: %q", again)
			}
		})
	}
}

// TestWebexRenderForeign renders trees other dialects produce, which the
// Webex parser never would.
func TestWebexRenderForeign(t *testing.T) {
	tests := []struct {
		name string
		doc  Doc
		want string
	}{
		{"mention by id", Doc{Nodes: []Node{{Kind: UserMention, ID: "Y2lz", Text: "Ann"}}}, "<@personId:Y2lz|Ann>"},
		{"mention by email", Doc{Nodes: []Node{{Kind: UserMention, URL: "mailto:a@b.c", Text: "Ann"}}}, "<@personEmail:a@b.c|Ann>"},
		{"mention without id", Doc{Nodes: []Node{{Kind: UserMention, Text: "Ann"}}}, "@Ann"},
		{"channel", Doc{Nodes: []Node{{Kind: Text, Text: "x "}, {Kind: ChannelMention, ID: "C1", Text: "general"}}}, "x #general"},
		{"broadcast", Doc{Nodes: []Node{{Kind: Broadcast, Text: "here"}}}, "<@all>"},
		{"emoji", Doc{Nodes: []Node{{Kind: Emoji, Text: "thumbsup"}}}, ":thumbsup:"},
		{"bold with edge spaces", Doc{Nodes: []Node{{Kind: Text, Text: "a"}, {Kind: Bold, Children: []Node{{Kind: Text, Text: " b "}}}, {Kind: Text, Text: "c"}}}, "a **b** c"},
		{"italic in a word", Doc{Nodes: []Node{{Kind: Text, Text: "a"}, {Kind: Italic, Children: []Node{{Kind: Text, Text: "b"}}}, {Kind: Text, Text: "c"}}}, "a*b*c"},
		{"code with backticks", Doc{Nodes: []Node{{Kind: Code, Text: "a`b"}}}, "``a`b``"},
		{"link without label", Doc{Nodes: []Node{{Kind: Link, URL: "https://x.example/a b"}}}, "<https://x.example/a%20b>"},
		{"list line in text", Doc{Nodes: []Node{{Kind: Text, Text: "- not a list\n1. nor this"}}}, "\\- not a list\n1\\. nor this"},
		{"code block in list item", Doc{Nodes: []Node{{Kind: List, Children: []Node{{Kind: ListItem, Children: []Node{{Kind: CodeBlock, Text: "x\ny"}}}}}}}, "- `x y`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RenderWebexMarkdown(tt.doc); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzParseWebexMarkdown(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "webex", "*.txt"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		g, err := parseGolden(string(data))
		if err != nil {
			f.Fatalf("%s: %v", path, err)
		}
		f.Add(g.input)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d := ParseWebexMarkdown(in)
		once := RenderWebexMarkdown(d)
		d2 := ParseWebexMarkdown(once)
		if twice := RenderWebexMarkdown(d2); twice != once {
			t.Fatalf("render∘parse not stable for %q:\nonce  %q\ntwice %q\nfirst tree:\n%s\nsecond tree:\n%s",
				in, once, twice, dump(d), dump(d2))
		}
	})
}
