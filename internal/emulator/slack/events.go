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

	"parley/internal/emulator/outbox"
)

// Retry reasons Slack puts in X-Slack-Retry-Reason.
const (
	reasonTimeout    = "http_timeout"
	reasonHTTPError  = "http_error"
	reasonConnFailed = "connection_failed"
)

// send is one event on its way to an app: a signed POST of body to url.
// The body is fixed when queued, so retries resend the same event_id; only
// the timestamp and signature are fresh per attempt, as with Slack.
// Retries carry X-Slack-Retry-Num and the reason the previous attempt
// failed; X-Slack-No-Retry in an app's answer ends them.
func (e *Emulator) send(url, secret string, body []byte) outbox.Send {
	var reason string // why the last attempt failed
	return func(ctx context.Context, try int) outbox.Result {
		res, _, err := e.post(ctx, url, secret, body, try, reason)
		if err != nil {
			reason = reasonConnFailed
			if errors.Is(err, context.DeadlineExceeded) {
				reason = reasonTimeout
			}
			e.base.Log.Debug("event delivery failed", "reason", reason, "retry", try)
			return outbox.Failed
		}
		if res.StatusCode >= 200 && res.StatusCode < 300 {
			return outbox.Delivered
		}
		e.base.Log.Debug("event delivery rejected", "status", res.StatusCode, "retry", try)
		reason = reasonHTTPError
		if res.Header.Get("X-Slack-No-Retry") == "1" {
			return outbox.Refused
		}
		return outbox.Failed
	}
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
	ctx, cancel := context.WithTimeout(ctx, e.base.Opts.AckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	// The app checks this against its own clock, which a jump of the
	// emulator's did not move.
	ts := strconv.FormatInt(e.base.Wall().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sign(secret, ts, body))
	if retryNum > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retryNum))
		req.Header.Set("X-Slack-Retry-Reason", reason)
	}
	res, err := e.base.Opts.HTTPClient.Do(req)
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
