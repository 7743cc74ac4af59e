package webex

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/http"
	"time"

	"parley/internal/emulator/outbox"
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

// send is the outbox's attempt at d, made only while its webhook is
// active; each failure counts towards disabling the webhook, and the one
// that disables it ends the retries.
func (e *Emulator) send(d *delivery) outbox.Send {
	return func(ctx context.Context, _ int) outbox.Result {
		e.mu.Lock()
		h := e.st.hooks[d.hook]
		live := h != nil && h.status == "active"
		e.mu.Unlock()
		if !live {
			return outbox.Dropped
		}
		if e.post(ctx, d) {
			return outbox.Delivered
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
		if len(h.failures) >= disableAfter && h.status == "active" {
			h.status = "disabled"
			e.base.Log.Info("webhook disabled after failed deliveries", "failures", len(h.failures))
			return outbox.Refused
		}
		return outbox.Failed
	}
}

// post sends one signed delivery and reports whether the target answered
// 2xx within the ack timeout.
func (e *Emulator) post(ctx context.Context, d *delivery) bool {
	ctx, cancel := context.WithTimeout(ctx, e.base.Opts.AckTimeout)
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
	res, err := e.base.Opts.HTTPClient.Do(req)
	if err != nil {
		e.base.Log.Debug("webhook delivery failed", "reason", "no answer")
		return false
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		e.base.Log.Debug("webhook delivery rejected", "status", res.StatusCode)
		return false
	}
	return true
}
