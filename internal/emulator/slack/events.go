package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Retry reasons Slack puts in X-Slack-Retry-Reason.
const (
	reasonTimeout    = "http_timeout"
	reasonHTTPError  = "http_error"
	reasonConnFailed = "connection_failed"
)

// delivery is one signed POST waiting for an app. The body is fixed at
// enqueue time, so retries resend the same event_id; only the timestamp
// and signature are fresh per attempt, as with Slack.
type delivery struct {
	url, secret string
	body        []byte
}

// appQueue delivers one app's events in order, one at a time. A failed
// event's retries run beside the queue so one dead endpoint cannot hold up
// later events for the full retry schedule.
type appQueue struct {
	e     *Emulator
	appID string

	mu    sync.Mutex
	items []*delivery
	wake  chan struct{}
}

func newAppQueue(e *Emulator, appID string) *appQueue {
	return &appQueue{e: e, appID: appID, wake: make(chan struct{}, 1)}
}

func (q *appQueue) push(d *delivery) {
	q.mu.Lock()
	q.items = append(q.items, d)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// run is the queue's goroutine, owned by the Emulator and stopped by Close.
func (q *appQueue) run() {
	ctx := q.e.ctx
	for {
		q.mu.Lock()
		if len(q.items) == 0 {
			q.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-q.wake:
				continue
			}
		}
		d := q.items[0]
		q.items = q.items[1:]
		q.mu.Unlock()

		ok, noRetry, reason := q.e.attempt(ctx, d, 0, "")
		switch {
		case ok:
		case noRetry || len(q.e.opts.RetryDelays) == 0:
			q.e.stats.givenUp.Add(1)
		case ctx.Err() == nil:
			q.e.goOwned(func() { q.e.retry(d, reason) })
		}
	}
}

// retry follows Options.RetryDelays, stopping at the first success, at
// X-Slack-No-Retry, or when the emulator closes.
func (e *Emulator) retry(d *delivery, reason string) {
	for i, delay := range e.opts.RetryDelays {
		if !sleepCtx(e.ctx, delay) {
			return
		}
		ok, noRetry, r := e.attempt(e.ctx, d, i+1, reason)
		if ok {
			return
		}
		if noRetry {
			break
		}
		reason = r
	}
	e.stats.givenUp.Add(1)
}

// sign computes Slack's v0 request signature.
func sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// post sends one signed request with the ack deadline and returns the
// response's status, headers and (capped) body.
func (e *Emulator) post(ctx context.Context, url, secret string, body []byte, retryNum int, reason string) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, e.opts.AckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	// The app checks this against its own clock, which a jump of the
	// emulator's did not move.
	ts := strconv.FormatInt(e.clock.Wall().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sign(secret, ts, body))
	if retryNum > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retryNum))
		req.Header.Set("X-Slack-Retry-Reason", reason)
	}
	res, err := e.opts.HTTPClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return nil, nil, err
	}
	return res, b, nil
}

// attempt makes one delivery; ok means the app acknowledged with a 2xx.
func (e *Emulator) attempt(ctx context.Context, d *delivery, retryNum int, reason string) (ok, noRetry bool, failReason string) {
	e.stats.attempts.Add(1)
	res, _, err := e.post(ctx, d.url, d.secret, d.body, retryNum, reason)
	if err != nil {
		e.stats.failures.Add(1)
		if errors.Is(err, context.DeadlineExceeded) {
			failReason = reasonTimeout
		} else {
			failReason = reasonConnFailed
		}
		e.log.Debug("event delivery failed", "reason", failReason, "retry", retryNum)
		return false, false, failReason
	}
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return true, false, ""
	}
	e.stats.failures.Add(1)
	e.log.Debug("event delivery rejected", "status", res.StatusCode, "retry", retryNum)
	return false, res.Header.Get("X-Slack-No-Retry") == "1", reasonHTTPError
}

// sleepCtx waits d or until ctx is done; it reports whether d elapsed. It
// is a deliberate delay (retry schedule, injected latency), not a poll.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
