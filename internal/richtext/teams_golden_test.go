package richtext

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A Teams golden file holds a Teams HTML input followed by four sections:
// the parsed tree, its plain rendering, its Teams HTML re-rendering and the
// mentions that rendering returned. The inputs resolve <at> tags against
// goldenMentions.
const goldenHTML, goldenMentions = "\n-- html --\n", "\n-- mentions --\n"

var teamsGoldenMentions = []TeamsMention{
	{ID: "29:alice", Name: "Alice Smith"},
	{ID: "29:bob", Name: "Bob"},
}

type teamsGolden struct{ input, ast, plain, html, mentions string }

func parseTeamsGolden(s string) (teamsGolden, error) {
	in, rest, ok := strings.Cut(s, goldenAST)
	if !ok {
		return teamsGolden{}, errors.New("missing -- ast -- line")
	}
	ast, rest, _ := strings.Cut(rest, goldenPlain)
	plain, rest, _ := strings.Cut(rest, goldenHTML)
	h, ms, _ := strings.Cut(rest, goldenMentions)
	return teamsGolden{input: in, ast: ast, plain: plain, html: h, mentions: strings.TrimSuffix(ms, "\n")}, nil
}

func (g teamsGolden) String() string {
	return g.input + goldenAST + g.ast + goldenPlain + g.plain + goldenHTML + g.html + goldenMentions + g.mentions + "\n"
}

func dumpMentions(ms []TeamsMention) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%s %q %s\n", m.ID, m.Name, m.Text)
	}
	return b.String()
}

func TestTeamsHTMLGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "teams", "*.txt"))
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
			want, err := parseTeamsGolden(string(data))
			if err != nil {
				t.Fatal(err)
			}
			d := ParseTeamsHTML(want.input, teamsGoldenMentions...)
			h, ms := RenderTeamsHTML(d)
			got := teamsGolden{input: want.input, ast: dump(d), plain: RenderPlain(d), html: h, mentions: dumpMentions(ms)}
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
			if got.html != want.html {
				t.Errorf("html:\ngot  %q\nwant %q", got.html, want.html)
			}
			if got.mentions != want.mentions {
				t.Errorf("mentions:\ngot  %q\nwant %q", got.mentions, want.mentions)
			}
			again, _ := RenderTeamsHTML(ParseTeamsHTML(h, ms...))
			if again != h {
				t.Errorf("re-rendering is not a fixpoint: %q", again)
			}
		})
	}
}
