package richtext

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata from the current output")

// A golden file holds an mrkdwn input followed by three sections: the parsed
// tree, its plain rendering and its mrkdwn re-rendering. Each section ends
// with a newline before the next marker line.
const (
	goldenAST   = "\n-- ast --\n"
	goldenPlain = "\n-- plain --\n"
	goldenMrk   = "\n-- mrkdwn --\n"
)

type golden struct{ input, ast, plain, mrkdwn string }

func parseGolden(s string) (golden, error) {
	in, rest, ok := strings.Cut(s, goldenAST)
	if !ok {
		return golden{}, errors.New("missing -- ast -- line")
	}
	ast, rest, _ := strings.Cut(rest, goldenPlain)
	plain, mrk, _ := strings.Cut(rest, goldenMrk)
	return golden{input: in, ast: ast, plain: plain, mrkdwn: strings.TrimSuffix(mrk, "\n")}, nil
}

func (g golden) String() string {
	return g.input + goldenAST + g.ast + goldenPlain + g.plain + goldenMrk + g.mrkdwn + "\n"
}

func TestMrkdwnGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "mrkdwn", "*.txt"))
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
			d := ParseMrkdwn(want.input)
			got := golden{input: want.input, ast: dump(d), plain: RenderPlain(d), mrkdwn: RenderMrkdwn(d)}
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
				t.Errorf("mrkdwn:\ngot  %q\nwant %q", got.mrkdwn, want.mrkdwn)
			}
			if again := RenderMrkdwn(ParseMrkdwn(got.mrkdwn)); again != got.mrkdwn {
				t.Errorf("re-rendering is not a fixpoint: %q", again)
			}
		})
	}
}
