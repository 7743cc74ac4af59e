package teams

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// deliveryTimeout is how long a bot has to answer an activity. Microsoft
// documents about 15 s for Teams before the user sees an error.
const deliveryTimeout = 15 * time.Second

// delivery is one activity waiting for a bot. The body is fixed when the
// activity is queued; the JWT is minted per attempt, as the Connector
// does, so key rotation applies to retries too.
type delivery struct {
	url, appID, serviceURL string
	body                   []byte
}

// botQueue delivers one bot's activities in order, one at a time;
// retries happen in place so a later activity never overtakes an earlier
// one (an edit must not arrive before its message).
type botQueue struct {
	e     *Emulator
	appID string

	mu    sync.Mutex
	items []*delivery
	wake  chan struct{}
}

func newBotQueue(e *Emulator, appID string) *botQueue {
	return &botQueue{e: e, appID: appID, wake: make(chan struct{}, 1)}
}

func (q *botQueue) push(d *delivery) {
	q.mu.Lock()
	q.items = append(q.items, d)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// run is the queue's goroutine, owned by the Emulator and stopped by Close.
func (q *botQueue) run() {
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
		q.e.deliver(ctx, d)
	}
}

// deliver tries once and then along Options.RetryDelays, stopping at the
// first 2xx, at a 4xx other than 408/429 (the bot rejected it; resending
// the same activity would not help), or when the emulator closes.
func (e *Emulator) deliver(ctx context.Context, d *delivery) {
	for i := 0; ; i++ {
		status, err := e.post(ctx, d)
		if err == nil && status >= 200 && status < 300 {
			return
		}
		if err == nil && status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests {
			e.log.Debug("activity rejected by bot", "status", status, "app_id", d.appID)
			return
		}
		if err != nil {
			e.log.Debug("activity delivery failed", "attempt", i+1, "app_id", d.appID, "err", err)
		}
		if i >= len(e.opts.RetryDelays) || !sleepCtx(ctx, e.opts.RetryDelays[i]) {
			return
		}
	}
}

func (e *Emulator) post(ctx context.Context, d *delivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, deliveryTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+e.activityToken(d.appID, d.serviceURL))
	req.Header.Set("User-Agent", "Microsoft-SkypeBotApi (Microsoft-BotFramework 3.0)")
	res, err := e.opts.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	return res.StatusCode, nil
}
