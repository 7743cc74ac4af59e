package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// instruction is one parsed line of the Containerfile.
type instruction struct {
	cmd   string // lower case: from, run, copy, …
	args  []string
	flags []string
	exec  bool // JSON (exec) form
	line  int
}

func parseContainerfile(t *testing.T) [][]instruction {
	t.Helper()
	f, err := os.Open("Containerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("BuildKit cannot parse the Containerfile: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("BuildKit warns: %s (line %d)", w.Short, w.Location.Start.Line)
	}
	var stages [][]instruction
	for _, n := range res.AST.Children {
		in := instruction{cmd: strings.ToLower(n.Value), flags: n.Flags, exec: n.Attributes["json"], line: n.StartLine}
		for a := n.Next; a != nil; a = a.Next {
			in.args = append(in.args, a.Value)
		}
		if in.cmd == "from" {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("line %d: %s before the first FROM", in.line, in.cmd)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	return stages
}

var (
	pinnedImage = regexp.MustCompile(`^[a-z0-9./-]+(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?$`)
	numericUser = regexp.MustCompile(`^([0-9]+)(:([0-9]+))?$`)
)

// TestContainerfile checks what the image promises: a static binary on a
// base with no shell, pinned bases, nothing fetched from a URL, a numeric
// non-root user (so Kubernetes' runAsNonRoot can verify it), an exec-form
// entry point (signals reach the gateway, no shell needed), and a data
// directory that can be a volume under a read-only root.
func TestContainerfile(t *testing.T) {
	stages := parseContainerfile(t)
	if len(stages) < 2 {
		t.Fatalf("%d stages; want a build stage and a runtime stage", len(stages))
	}
	names := map[string]bool{}
	for i, st := range stages {
		from := st[0]
		image := from.args[0]
		if len(from.args) == 3 && strings.EqualFold(from.args[1], "as") {
			names[strings.ToLower(from.args[2])] = true
		}
		if image == "scratch" || names[strings.ToLower(image)] && i > 0 {
			continue
		}
		tagged := strings.Contains(image[strings.LastIndex(image, "/")+1:], ":") || strings.Contains(image, "@sha256:")
		if !pinnedImage.MatchString(image) || !tagged || strings.HasSuffix(image, ":latest") {
			t.Errorf("line %d: base %q is not pinned by tag or digest", from.line, image)
		}
	}
	final := stages[len(stages)-1]
	if base := final[0].args[0]; base != "scratch" && !strings.HasPrefix(base, "gcr.io/distroless/static") {
		t.Errorf("runtime base %q: want scratch or distroless/static (no shell, no libc)", base)
	}
	var user, entrypoint *instruction
	var static, volume bool
	for _, st := range stages {
		for i := range st {
			in := &st[i]
			switch in.cmd {
			case "add":
				for _, a := range in.args {
					if strings.Contains(a, "://") || strings.HasPrefix(a, "git@") {
						t.Errorf("line %d: ADD fetches %q; fetch nothing at build time that is not pinned", in.line, a)
					}
				}
			case "run":
				if strings.Contains(strings.Join(in.args, " "), "CGO_ENABLED=0") {
					static = true
				}
			}
		}
	}
	for i := range final {
		in := &final[i]
		switch in.cmd {
		case "user":
			user = in
		case "entrypoint":
			entrypoint = in
		case "cmd":
			if !in.exec {
				t.Errorf("line %d: CMD in shell form; the runtime image has no shell", in.line)
			}
		case "volume":
			volume = strings.Contains(strings.Join(in.args, " "), "/var/lib/parley")
		case "run":
			t.Errorf("line %d: RUN in the runtime stage; it has no shell", in.line)
		}
	}
	if !static {
		t.Error("no RUN builds with CGO_ENABLED=0: the binary would not be static")
	}
	if user == nil {
		t.Error("the runtime stage has no USER: it would run as root")
	} else if m := numericUser.FindStringSubmatch(user.args[0]); m == nil || m[1] == "0" || m[3] == "0" {
		t.Errorf("line %d: USER %q: want a numeric non-root uid:gid", user.line, user.args[0])
	}
	if entrypoint == nil || !entrypoint.exec {
		t.Error("ENTRYPOINT missing or in shell form; want exec form")
	}
	if !volume {
		t.Error("no VOLUME for /var/lib/parley: with a read-only root the data directory must be a volume")
	}
	// What the build stage copies must exist, or the build fails.
	for _, in := range stages[0] {
		if in.cmd != "copy" || len(in.flags) > 0 {
			continue
		}
		for _, src := range in.args[:len(in.args)-1] {
			if _, err := os.Stat(filepath.Join("..", src)); err != nil {
				t.Errorf("line %d: COPY %s: not in the repository", in.line, src)
			}
		}
	}
}

// TestStaticBuild builds the binary exactly as the Containerfile does:
// without cgo. A dependency that needs cgo would fail here, not in an
// image build nobody runs in CI.
func TestStaticBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole binary")
	}
	out := filepath.Join(t.TempDir(), "parley")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "./cmd/parley")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, b)
	}
}
