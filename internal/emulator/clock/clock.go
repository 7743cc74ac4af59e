// Package clock is the emulators' time, and the control every emulator
// shares (SANDBOX.md): POST {control_url}clock with {"advance_seconds": N}
// moves that emulator's clock N seconds forward, and whatever the real
// platform would do as that time passes happens.
//
// An emulator keeps two times apart:
//
//   - Now is the platform's own time. Everything the platform keeps runs on
//     it: token and subscription lifetimes, rate-limit windows, retention,
//     the timestamps of the resources it stores and shows. Advancing moves
//     it.
//   - Wall is the time stamped on what a party with its own clock checks:
//     the iat and exp of a JWT the platform signs for a receiver, a
//     request-signing timestamp, and the lifetime of an assertion a client
//     signed with its clock. Advancing does not move it: the gateway's clock
//     did not jump, and a real platform's stamps agree with it.
//
// So after an advance a token the platform issued an hour ago is expired,
// a subscription's expireTime may have passed, and the pushes that announce
// it still verify at the receiver.
package clock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// MaxAdvance bounds one advance: a year covers every lifetime a platform
// has (Slack refresh tokens, Webex's 90 days) with room to spare.
const MaxAdvance = 366 * 24 * time.Hour

// Clock is an emulator's clock. Create it with New; it is safe for
// concurrent use.
type Clock struct {
	wall func() time.Time

	mu     sync.Mutex
	offset time.Duration
	// moved is closed, and replaced, by each advance: how sleepers learn
	// that the platform's time jumped.
	moved chan struct{}
	// advMu serialises advances, so that listeners see them one at a time
	// and in order; it is held while listeners run, mu is not.
	advMu     sync.Mutex
	listeners []func(now time.Time)
}

// New returns a clock that starts at wall's time; nil wall is time.Now.
func New(wall func() time.Time) *Clock {
	if wall == nil {
		wall = time.Now
	}
	return &Clock{wall: wall, moved: make(chan struct{})}
}

// Now is the platform's time: the wall time plus every advance so far.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	off := c.offset
	c.mu.Unlock()
	return c.wall().Add(off)
}

// Wall is the time a receiver's clock shows: what JWT and signature
// timestamps that receiver verifies are stamped with.
func (c *Clock) Wall() time.Time { return c.wall() }

// OnAdvance registers fn to run after each advance, with the platform's
// new time, before Advance returns: what the platform does as time passes
// (lifecycle events, expiries) is under way by the time the caller hears
// the clock moved. fn may take the emulator's locks; it must not advance
// the clock.
func (c *Clock) OnAdvance(fn func(now time.Time)) {
	c.advMu.Lock()
	defer c.advMu.Unlock()
	c.listeners = append(c.listeners, fn)
}

// Advance moves the platform's time d forward and returns the new time.
func (c *Clock) Advance(d time.Duration) (time.Time, error) {
	if d <= 0 || d > MaxAdvance {
		return time.Time{}, fmt.Errorf("advance must be between 1 second and %d seconds", int64(MaxAdvance/time.Second))
	}
	c.advMu.Lock()
	defer c.advMu.Unlock()
	c.mu.Lock()
	c.offset += d
	close(c.moved)
	c.moved = make(chan struct{})
	c.mu.Unlock()
	now := c.Now()
	for _, fn := range c.listeners {
		fn(now)
	}
	return now, nil
}

// Sleep waits until d of the platform's time has passed or ctx is done,
// and reports whether the time passed; see Until.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) bool {
	return c.Until(ctx, c.Now().Add(d))
}

// Until waits until the platform's time reaches due or ctx is done, and
// reports whether it was reached. The platform's time moves two ways:
// real time passes (a timer set for the wait seen at the start, which
// runs even when the clock's wall is a test's frozen one), and advances,
// one of which reaching due ends the wait at once, as the platform would
// have acted during the time that jumped by. It is how the platform's own
// timers (a retry due in five minutes) run, not a poll.
func (c *Clock) Until(ctx context.Context, due time.Time) bool {
	c.mu.Lock()
	rest, moved := due.Sub(c.wall().Add(c.offset)), c.moved
	c.mu.Unlock()
	if rest <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(rest)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return ctx.Err() == nil
		case <-moved:
			c.mu.Lock()
			reached := !due.After(c.wall().Add(c.offset))
			moved = c.moved
			c.mu.Unlock()
			if reached {
				return ctx.Err() == nil
			}
		case <-ctx.Done():
			return false
		}
	}
}

// maxBody caps a clock request.
const maxBody = 4 << 10

// ServeHTTP is {control_url}clock. POST {"advance_seconds": N} advances
// and answers {"ok":true,"now":"<RFC 3339 platform time>"}; GET answers the
// same without moving. Errors are {"ok":false,"error":"…"} with 400 (405
// for other methods).
func (c *Clock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		var req struct {
			AdvanceSeconds *int64 `json:"advance_seconds"`
		}
		dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
		dec.DisallowUnknownFields()
		err := dec.Decode(&req)
		if err == nil && req.AdvanceSeconds == nil {
			err = errors.New("advance_seconds is required")
		}
		if err == nil && (*req.AdvanceSeconds <= 0 || *req.AdvanceSeconds > int64(MaxAdvance/time.Second)) {
			err = fmt.Errorf("advance_seconds must be between 1 and %d: the clock only moves forward", int64(MaxAdvance/time.Second))
		}
		if err == nil {
			_, err = c.Advance(time.Duration(*req.AdvanceSeconds) * time.Second)
		}
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": err.Error()})
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		w.WriteHeader(http.StatusMethodNotAllowed)
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "use POST to advance or GET to read"})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "now": c.Now().UTC().Format(time.RFC3339Nano)})
}
