package webex

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/http"
	"sync"
	"time"
)

// failureWindow is how far back failed deliveries count towards disabling
// a webhook.
const failureWindow = 5 * time.Minute

// delivery is one webhook POST. The body is fixed when queued, so
// redeliveries are byte-identical, as the signature requires.
type delivery struct {
	hook, url, secret string
	body              []byte
}

// Sign returns X-Spark-Signature for body: lowercase hex HMAC-SHA1 under
// the webhook's secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// deliveryQueue sends deliveries in order, one at a time. A failed one's
// retries run beside the queue so one dead target cannot hold up the rest.
type deliveryQueue struct {
	e     *Emulator
	mu    sync.Mutex
	items []*delivery
	wake  chan struct{}
}

func (q *deliveryQueue) push(d *delivery) {
	q.mu.Lock()
	q.items = append(q.items, d)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// run is the queue's goroutine, owned by the Emulator and stopped by Close.
func (q *deliveryQueue) run() {
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
		if !q.e.attempt(ctx, d) && ctx.Err() == nil {
			q.e.goOwned(func() { q.e.retry(d) })
		}
	}
}

// retry follows Options.RetryDelays, stopping at the first success or when
// the emulator closes.
func (e *Emulator) retry(d *delivery) {
	for _, delay := range e.opts.RetryDelays {
		if !sleepCtx(e.ctx, delay) || e.attempt(e.ctx, d) {
			return
		}
	}
}

// attempt makes one delivery unless the webhook is gone or disabled; it
// reports whether no (further) attempt is needed.
func (e *Emulator) attempt(ctx context.Context, d *delivery) bool {
	e.mu.Lock()
	h := e.st.hooks[d.hook]
	live := h != nil && h.status == "active"
	e.mu.Unlock()
	if !live {
		return true
	}
	if e.post(ctx, d) {
		return true
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	kept := h.failures[:0]
	for _, t := range h.failures {
		if now.Sub(t) < failureWindow {
			kept = append(kept, t)
		}
	}
	h.failures = append(kept, now)
	if len(h.failures) >= e.opts.DisableAfter && h.status == "active" {
		h.status = "disabled"
		e.log.Info("webhook disabled after failed deliveries", "failures", len(h.failures))
		return true
	}
	return false
}

// post sends one signed delivery and reports whether the target answered
// 2xx within the ack timeout.
func (e *Emulator) post(ctx context.Context, d *delivery) bool {
	ctx, cancel := context.WithTimeout(ctx, e.opts.AckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Webex Webhooks (emulated)")
	req.Header.Set("TrackingID", trackingID())
	if d.secret != "" {
		req.Header.Set("X-Spark-Signature", Sign(d.secret, d.body))
	}
	res, err := e.opts.HTTPClient.Do(req)
	if err != nil {
		e.log.Debug("webhook delivery failed", "reason", "no answer")
		return false
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		e.log.Debug("webhook delivery rejected", "status", res.StatusCode)
		return false
	}
	return true
}
