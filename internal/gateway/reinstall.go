package gateway

import (
	"context"
	"math/rand/v2"
	"time"

	"parley/internal/connector"
	"parley/internal/store"
)

// Backoff of reinstall: a platform that answered 503 or 429 while the
// gateway started is usually back within seconds, and deliveries to its
// workspace wait (as transient failures) until it is installed.
const (
	reinstallFirst = time.Second
	reinstallMax   = 30 * time.Second
)

// installAtStart bounds how long start waits for platforms that answer 429
// or 503 to installation. Until a workspace is installed its connector
// acknowledges and drops its events (it cannot tell them from an
// uninstalled app's), and catch-up recovers only top-level messages, so a
// short wait before listening is worth it; a platform down for longer is
// left to reinstall, in the background.
const installAtStart = 10 * time.Second

// installPatiently installs w, retrying transient failures until by.
func (g *Gateway) installPatiently(ctx context.Context, w store.Workspace, by time.Time) error {
	wait := 250 * time.Millisecond
	for {
		err := g.install(ctx, w)
		if err == nil || retryless(err) || time.Now().Add(wait).After(by) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// retryless: an install retrying cannot fix (the one rule of
// connector.Retryable).
func retryless(err error) bool { return !connector.Retryable(err) }

// reinstall retries the installation of workspaces that failed at start,
// with backoff, until each succeeds, fails for a reason retrying cannot
// fix (credentials refused, permanent), or ctx ends. Without it, one 503
// during a restart would cut a workspace off until the next restart.
func (g *Gateway) reinstall(ctx context.Context, pending []store.Workspace) {
	wait := reinstallFirst
	for len(pending) > 0 {
		t := time.NewTimer(wait/2 + rand.N(wait/2+1))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		var still []store.Workspace
		for _, w := range pending {
			err := g.install(ctx, w)
			switch {
			case err == nil:
				g.log.Info("workspace installed after a retry", "platform", w.Platform, "workspace", g.vault.Pseudonym(string(w.ID)))
			case retryless(err):
				g.log.Error("workspace not installed", "platform", w.Platform, "workspace", g.vault.Pseudonym(string(w.ID)), "err", err)
			default:
				still = append(still, w)
			}
		}
		pending = still
		wait = min(2*wait, reinstallMax)
	}
}
