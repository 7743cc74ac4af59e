package richtext

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// addGoldenSeeds seeds a fuzz target with the inputs of the golden files and
// of the table tests, so the fuzzer starts from every construct we know.
func addGoldenSeeds(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "mrkdwn", "*.txt"))
	if err != nil {
		f.Fatal(err)
	}
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
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
}

func FuzzParseMrkdwn(f *testing.F) {
	addGoldenSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		d := ParseMrkdwn(in)
		once := RenderMrkdwn(d)
		if utf8.ValidString(in) {
			if !utf8.ValidString(once) {
				t.Fatalf("render of valid UTF-8 %q is invalid: %q", in, once)
			}
			if p := RenderPlain(d); !utf8.ValidString(p) {
				t.Fatalf("plain render of valid UTF-8 %q is invalid: %q", in, p)
			}
		}
		d2 := ParseMrkdwn(once)
		if twice := RenderMrkdwn(d2); twice != once {
			t.Fatalf("render∘parse not stable for %q:\nonce  %q\ntwice %q\nfirst tree:\n%s\nsecond tree:\n%s",
				in, once, twice, dump(d), dump(d2))
		}
	})
}

func FuzzRenderPlain(f *testing.F) {
	addGoldenSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		d := ParseMrkdwn(in)
		p := RenderPlain(d)
		if d.Len() != len(p) {
			t.Fatalf("Len %d, plain rendering has %d bytes", d.Len(), len(p))
		}
		if utf8.ValidString(in) && !utf8.ValidString(p) {
			t.Fatalf("plain render of valid UTF-8 %q is invalid: %q", in, p)
		}
		// Plain text carries no markup, so it must survive Plain unchanged.
		if got := RenderPlain(Plain(p)); got != p {
			t.Fatalf("RenderPlain(Plain(%q)) = %q", p, got)
		}
	})
}
