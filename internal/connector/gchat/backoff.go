package gchat

import (
	"io"
	"net/http"
	"time"
)

// Chat allows about one write per second per space, shared by everyone in
// it, and answers a burst beyond that with 429 and no Retry-After. A short
// wait nearly always clears it, so the transport retries a refused request
// a few times before the error reaches delivery, which then backs off for
// longer. Only requests whose body can be replayed are retried (a streamed
// upload is not), and creates carry a requestId, so a retry never
// duplicates.
var retryWaits = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}

type retryTransport struct {
	base  http.RoundTripper
	waits []time.Duration
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for i := 0; ; i++ {
		resp, err := t.base.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || i >= len(t.waits) ||
			(req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
			return resp, err
		}
		wait := t.waits[i]
		if ra := retryAfter(resp.Header); resp.Header.Get("Retry-After") != "" {
			wait = ra
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if wait > 10*time.Second {
			// A long wait is delivery's business, not a request's.
			return nil, &rateLimited{retryAfter: wait}
		}
		tm := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			tm.Stop()
			return nil, req.Context().Err()
		case <-tm.C:
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

// rateLimited is returned by the transport instead of a response when
// Google asks for a long wait.
type rateLimited struct{ retryAfter time.Duration }

func (e *rateLimited) Error() string { return "rate limited by google chat" }
