package builtin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// neutral are the packages that loop over the registry: their code names
// no platform, so that adding one touches only its own folders and All.
var neutral = []string{"config", "gateway"}

// TestNeutralPackagesNameNoPlatform fails when the non-test code of a
// neutral package mentions a platform by name or title, comments included:
// what it says about one platform belongs in that platform's package.
func TestNeutralPackagesNameNoPlatform(t *testing.T) {
	for _, pkg := range neutral {
		files, err := filepath.Glob(filepath.Join("..", "..", pkg, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("package %s: no Go files (%v)", pkg, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(strings.ToLower(string(b)), "\n") {
				for _, p := range All() {
					for _, name := range []string{string(p.Name), strings.ToLower(p.Title)} {
						if strings.Contains(line, name) && (name == string(p.Name) || !strings.Contains(line, string(p.Name))) {
							t.Errorf("%s:%d names %s: move it into the platform's package", filepath.ToSlash(f), i+1, name)
						}
					}
				}
			}
		}
	}
}
