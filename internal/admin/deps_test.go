package admin

import (
	"os/exec"
	"strings"
	"testing"
)

// TestRelayPathDoesNotImportAdmin: the admin plane tells nodes about
// changes through the store and the bus; nothing on an event's way
// through Parley depends on it.
func TestRelayPathDoesNotImportAdmin(t *testing.T) {
	relay := []string{"parley/internal/router", "parley/internal/delivery", "parley/internal/bus", "parley/internal/msgmap",
		"parley/internal/catchup", "parley/internal/connector/...", "parley/internal/core", "parley/internal/richtext/..."}
	out, err := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}}"}, relay...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list found only %d packages: the check proves nothing", len(deps))
	}
	for _, d := range deps {
		if d == "parley/internal/admin" || strings.HasPrefix(d, "parley/internal/admin/") || d == "parley/internal/adminclient" {
			t.Fatalf("the relay path imports %s", d)
		}
	}
}
