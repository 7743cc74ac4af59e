package builtin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// neutral are the packages that loop over the registry: their code names
// no platform, so that adding one touches only its own folders and All.
var neutral = []string{"config", "gateway", "sandbox", "chaos"}

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
					names := []string{string(p.Name)}
					if t := strings.ToLower(p.Title); !strings.Contains(t, string(p.Name)) {
						names = append(names, t)
					}
					for _, name := range names {
						if strings.Contains(line, name) {
							t.Errorf("%s:%d names %s: move it into the platform's package", filepath.ToSlash(f), i+1, name)
						}
					}
				}
			}
		}
	}
}
