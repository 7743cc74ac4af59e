package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

// pollEvery is the gap between two looks at something awaited.
const pollEvery = 20 * time.Millisecond

// eventually calls fn until it succeeds or the deadline passes, and fails
// the test with fn's last error then.
func eventually[T any](t *testing.T, timeout time.Duration, what string, fn func() (T, error)) T {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		v, err := fn()
		if err == nil {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %v", what, timeout, err)
		}
		tm := time.NewTimer(pollEvery)
		select {
		case <-t.Context().Done():
			tm.Stop()
			t.Fatalf("%s: %v", what, t.Context().Err())
		case <-tm.C:
		}
	}
}

// waitEvent waits for an event the connector delivered that matches.
func (s *suite) waitEvent(t *testing.T, what string, match func(core.Event) bool) core.Event {
	t.Helper()
	return eventually(t, s.h.Timeout, what, func() (core.Event, error) {
		for _, ev := range s.h.Events.Events() {
			if match(ev) {
				return ev, nil
			}
		}
		return core.Event{}, fmt.Errorf("no matching event among %d", len(s.h.Events.Events()))
	})
}

// nonce makes each check's text unique, so that checks cannot see each
// other's messages.
func nonce(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// plain flattens a document to its text, for comparing bodies across
// dialects.
func plain(d richtext.Doc) string {
	var b strings.Builder
	d.Walk(func(n *richtext.Node) {
		b.WriteString(n.Text)
		if n.Kind == richtext.LineBreak {
			b.WriteString("\n")
		}
	})
	return b.String()
}

// doc is a one-paragraph body.
func doc(text string) richtext.Doc {
	return richtext.Doc{Nodes: []richtext.Node{{Kind: richtext.Text, Text: text}}}
}

// ctx returns the context for one check's calls.
func (s *suite) ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 4*s.h.Timeout)
	t.Cleanup(cancel)
	return ctx
}

// paced runs one client call the way delivery does: a RateLimitError is
// waited out and the call made again, within the harness's timeout. The
// suite's calls all land in one conversation within moments, so a
// platform's per-conversation limit may answer one of them 429 — and
// honouring that is the caller's job, not a failure of the connector.
func paced(t *testing.T, timeout time.Duration, fn func() error) error {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := fn()
		var rl *connector.RateLimitError
		if !errors.As(err, &rl) || time.Now().Add(rl.RetryAfter).After(deadline) {
			return err
		}
		tm := time.NewTimer(rl.RetryAfter)
		select {
		case <-t.Context().Done():
			tm.Stop()
			return err
		case <-tm.C:
		}
	}
}
