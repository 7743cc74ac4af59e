package chaos

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"parley/internal/logging"
)

// TestChaosShort is CI's chaos run: a few hundred messages over about a
// minute across every linked platform, with SIGKILLs of the gateway, a 503
// burst, a 429 storm and a window of 2 s latency on one destination. Every
// copy must arrive exactly once, in order, in its thread.
func TestChaosShort(t *testing.T) {
	if testing.Short() {
		t.Skip("the chaos run takes about two minutes")
	}
	bin := filepath.Join(t.TempDir(), "parley")
	build := exec.Command("go", "build", "-o", bin, "./cmd/parley")
	build.Dir = moduleRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	seed := time.Now().UnixNano()
	t.Logf("seed %d (parley chaos --seed %d --duration 60s --messages 240 reproduces the schedule)", seed, seed)
	rep, err := Run(ctx, Options{
		Duration: 60 * time.Second, Messages: 240, Seed: seed,
		Binary: bin, DataDir: t.TempDir(), Settle: 60 * time.Second,
		Logger: logging.New(testWriter{t}, "warn"),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep)
	if rep.Kills < 2 || rep.Faults < 3 {
		t.Errorf("too little chaos: %d kills, %d faults (want at least 2 and 3)", rep.Kills, rep.Faults)
	}
	if rep.Sent < 200 {
		t.Errorf("only %d messages were posted", rep.Sent)
	}
	if !rep.Clean() {
		t.Errorf("not exactly once in order: %v\n%v", rep, rep.Examples)
	}
}

// moduleRoot finds go.mod upwards from the test's directory.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// testWriter sends the run's log lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
