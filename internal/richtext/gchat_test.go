package richtext

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// gchatCases pin the corners of Chat text. want is the dump of the tree;
// out is the expected re-rendering, or empty when it equals the input.
var gchatCases = []struct {
	name, in, want, out string
}{
	{name: "empty", in: "", want: ""},
	{name: "bold italic strike", in: "*b* _i_ ~s~", want: "Bold\n  Text \"b\"\nText \" \"\nItalic\n  Text \"i\"\nText \" \"\nStrike\n  Text \"s\"\n"},
	{name: "no entities", in: "a &amp; b < c", want: `Text "a &amp; b < c"` + "\n"},
	{name: "snake case", in: "snake_case_name", want: `Text "snake_case_name"` + "\n"},
	{name: "mention", in: "hi <users/123>", want: "Text \"hi \"\nUserMention id=\"users/123\"\n"},
	{name: "email alias mention", in: "<users/a@b.example>", want: `UserMention id="users/a@b.example"` + "\n"},
	{name: "all", in: "<users/all> look", want: "Broadcast \"channel\"\nText \" look\"\n"},
	{name: "bad mention", in: "<users/ 1>", want: `Text "<users/ 1>"` + "\n", out: "<\u2060users/ 1>"},
	{name: "link with label", in: "<https://x.io/a_b|the *site*>", want: "Link url=\"https://x.io/a_b\"\n  Text \"the *site*\"\n"},
	{name: "bare link", in: "<https://x.io>", want: `Link url="https://x.io"` + "\n"},
	{name: "not a link", in: "<foo bar>", want: `Text "<foo bar>"` + "\n", out: "<\u2060foo bar>"},
	{name: "code keeps markup", in: "`*x* <users/1>`", want: `Code "*x* <users/1>"` + "\n", out: "`*x* <\u2060users/1>`"},
	{name: "fence", in: "```\nx *y*\n```", want: `CodeBlock "x *y*"` + "\n"},
	{name: "bullets", in: "* a\n- b", want: "List\n  ListItem\n    Text \"a\"\n  ListItem\n    Text \"b\"\n", out: "- a\n- b"},
	{name: "bold at line start is not a bullet", in: "*a* b", want: "Bold\n  Text \"a\"\nText \" b\"\n"},
	{name: "custom emoji", in: ":party-parrot:", want: `Emoji "party-parrot"` + "\n"},
	{name: "known emoji renders as unicode", in: ":tada:", want: `Emoji "tada"` + "\n", out: "🎉"},
	{name: "crlf", in: "a\r\nb", want: "Text \"a\"\nLineBreak\nText \"b\"\n", out: "a\nb"},
}

func TestGChatParse(t *testing.T) {
	for _, tc := range gchatCases {
		t.Run(tc.name, func(t *testing.T) {
			d := ParseGChat(tc.in)
			if got := dump(d); got != tc.want {
				t.Fatalf("tree:\ngot\n%s\nwant\n%s", got, tc.want)
			}
			want := tc.out
			if want == "" {
				want = tc.in
			}
			if got := RenderGChat(d); got != want {
				t.Fatalf("render = %q, want %q", got, want)
			}
		})
	}
}

func TestGChatMentionNames(t *testing.T) {
	d := ParseGChat("hi <users/1> and <users/2>", GChatMention{User: "users/1", DisplayName: "Ann"})
	if got, want := RenderPlain(d), "hi @Ann and @users/2"; got != want {
		t.Fatalf("plain = %q, want %q", got, want)
	}
}

func TestGChatRenderForeign(t *testing.T) {
	tests := []struct {
		name string
		doc  Doc
		want string
	}{
		{"slack mention becomes name", Doc{Nodes: []Node{{Kind: UserMention, ID: "U1", Text: "bob"}}}, "@bob"},
		{"here pages the space", Doc{Nodes: []Node{{Kind: Broadcast, Text: "here"}}}, "<users/all>"},
		{"channel mention is text", Doc{Nodes: []Node{{Kind: ChannelMention, ID: "C1", Text: "general"}}}, "#general"},
		{"quote keeps a prefix", Doc{Nodes: []Node{{Kind: Quote, Children: []Node{{Kind: Text, Text: "q"}}}}}, "> q"},
		{"ordered list", Doc{Nodes: []Node{{Kind: List, Ordered: true, Children: []Node{{Kind: ListItem, Children: []Node{{Kind: Text, Text: "a"}}}}}}}, "1. a"},
		{"label with angle", Doc{Nodes: []Node{{Kind: Link, URL: "https://x.io", Children: []Node{{Kind: Text, Text: "a>b"}}}}}, "<https://x.io|a›b>"},
		{"unknown emoji", Doc{Nodes: []Node{{Kind: Emoji, Text: "shipit"}}}, ":shipit:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RenderGChat(tt.doc); got != tt.want {
				t.Fatalf("RenderGChat = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGChatEmoji(t *testing.T) {
	tests := []struct{ name, unicode string }{
		{"thumbsup", "👍"}, {"tada", "🎉"}, {"heart", "❤️"}, {"white_check_mark", "✅"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if u, ok := GChatEmojiUnicode(tt.name); !ok || u != tt.unicode {
				t.Fatalf("GChatEmojiUnicode(%q) = %q, %v", tt.name, u, ok)
			}
			if n, ok := GChatEmojiShortName(tt.unicode); !ok || n != tt.name {
				t.Fatalf("GChatEmojiShortName(%q) = %q, %v", tt.unicode, n, ok)
			}
		})
	}
	if n, ok := GChatEmojiShortName("❤"); !ok || n != "heart" {
		t.Fatalf("heart without variation selector = %q, %v", n, ok)
	}
}

// A gchat golden file holds an input followed by its tree, its plain
// rendering and its Chat re-rendering.
const goldenGChat = "\n-- gchat --\n"

func TestGChatGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "gchat", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files found (%v)", err)
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			in, rest, ok := strings.Cut(string(data), goldenAST)
			if !ok {
				t.Fatal("missing -- ast -- line")
			}
			ast, rest, _ := strings.Cut(rest, goldenPlain)
			plain, out, _ := strings.Cut(rest, goldenGChat)
			out = strings.TrimSuffix(out, "\n")
			d := ParseGChat(in)
			gotAST, gotPlain, gotOut := dump(d), RenderPlain(d), RenderGChat(d)
			if *update {
				s := in + goldenAST + gotAST + goldenPlain + gotPlain + goldenGChat + gotOut + "\n"
				if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if gotAST != ast {
				t.Errorf("tree:\ngot\n%s\nwant\n%s", gotAST, ast)
			}
			if gotPlain != plain {
				t.Errorf("plain:\ngot  %q\nwant %q", gotPlain, plain)
			}
			if gotOut != out {
				t.Errorf("gchat:\ngot  %q\nwant %q", gotOut, out)
			}
			if again := RenderGChat(ParseGChat(gotOut)); again != gotOut {
				t.Errorf("re-rendering is not a fixpoint: %q", again)
			}
		})
	}
}

func FuzzParseGChat(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "gchat", "*.txt"))
	for _, path := range files {
		if data, err := os.ReadFile(path); err == nil {
			in, _, _ := strings.Cut(string(data), goldenAST)
			f.Add(in)
		}
	}
	for _, tc := range gchatCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d := ParseGChat(in)
		once := RenderGChat(d)
		if utf8.ValidString(in) && !utf8.ValidString(once) {
			t.Fatalf("render of valid UTF-8 %q is invalid: %q", in, once)
		}
		d2 := ParseGChat(once)
		if twice := RenderGChat(d2); twice != once {
			t.Fatalf("render∘parse not stable for %q:\nonce  %q\ntwice %q\nfirst tree:\n%s\nsecond tree:\n%s",
				in, once, twice, dump(d), dump(d2))
		}
	})
}
