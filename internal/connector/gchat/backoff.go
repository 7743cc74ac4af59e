package gchat

import (
	"io"
	"net/http"
	"time"

	"parley/internal/connector"
	"parley/internal/retry"
)

// Chat allows about one write per second per space, shared by everyone in
// it, and answers a burst beyond that with 429 and no Retry-After. A short
// wait nearly always clears it, so the transport retries a refused request
// a few times (after 1, 2 and 4 s) before the error reaches delivery,
// which then backs off for longer. Only requests whose body can be
// replayed are retried (a streamed upload is not), and creates carry a
// requestId, so a retry never duplicates.
var retryWaits = retry.Backoff{First: time.Second, Max: 4 * time.Second}

const (
	retryTries = 3
	// maxTransportWait: a longer wait is delivery's business, not a
	// request's.
	maxTransportWait = 10 * time.Second
)

type retryTransport struct {
	base  http.RoundTripper
	waits retry.Backoff
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for i := 0; ; i++ {
		resp, err := t.base.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || i >= retryTries ||
			(req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
			return resp, err
		}
		wait := retry.After(resp.Header, t.waits.Wait(i), time.Now())
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if wait > maxTransportWait {
			return nil, &connector.RateLimitError{RetryAfter: wait}
		}
		if err := retry.Sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
	}
}
