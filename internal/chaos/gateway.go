package chaos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"syscall"
	"time"

	"parley/internal/emulator/userapi"
)

// gatewayProc runs `parley serve --config FILE` as a child process that can
// be SIGKILLed and started again. Each start's Wait runs in a goroutine the
// proc owns: kill and stop do not return before it has ended.
type gatewayProc struct {
	binary, config, healthURL string
	out                       io.Writer // the child's stdout and stderr
	hc                        *http.Client
	cmd                       *exec.Cmd
	done                      chan struct{} // closed when cmd has exited
}

// start launches the gateway and waits until it answers /healthz.
func (g *gatewayProc) start(ctx context.Context) error {
	if g.cmd != nil {
		return errors.New("chaos: gateway already running")
	}
	cmd := exec.Command(g.binary, "serve", "--config", g.config)
	cmd.Stdout, cmd.Stderr = g.out, g.out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start gateway: %w", err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait() // the exit status of a killed gateway is expected
		close(done)
	}()
	g.cmd, g.done = cmd, done
	deadline := time.Now().Add(30 * time.Second)
	for {
		if g.healthy(ctx) {
			return nil
		}
		select {
		case <-done:
			g.cmd = nil
			return errors.New("chaos: gateway exited while starting (see its log)")
		default:
		}
		if time.Now().After(deadline) {
			return errors.New("chaos: gateway not healthy within 30s")
		}
		if err := userapi.Pause(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

func (g *gatewayProc) healthy(ctx context.Context) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.healthURL, nil)
	if err != nil {
		return false
	}
	resp, err := g.hc.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// kill sends SIGKILL: no shutdown hook runs, in-flight work is cut wherever
// it is, as when a machine dies.
func (g *gatewayProc) kill() {
	if g.cmd == nil {
		return
	}
	_ = g.cmd.Process.Kill()
	<-g.done
	g.cmd = nil
}

// stop asks the gateway to shut down cleanly and kills it after a grace
// period.
func (g *gatewayProc) stop() {
	if g.cmd == nil {
		return
	}
	_ = g.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(15 * time.Second)
	defer t.Stop()
	select {
	case <-g.done:
		g.cmd = nil
	case <-t.C:
		g.kill()
	}
}
