package teams

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"parley/internal/emulator/outbox"
)

// delivery is one activity waiting for a bot. The body is fixed when the
// activity is queued; the JWT is minted per attempt, as the Connector
// does, so key rotation applies to retries too.
type delivery struct {
	url, appID, serviceURL string
	body                   []byte
}

// send is the outbox's attempt at d: a 2xx delivers it; a 4xx other than
// 408 and 429 is the bot rejecting it, and resending the same activity
// would not help; anything else is retried.
func (e *Emulator) send(d *delivery) outbox.Send {
	return func(ctx context.Context, try int) outbox.Result {
		status, err := e.post(ctx, d)
		switch {
		case err != nil:
			e.base.Log.Debug("activity delivery failed", "attempt", try+1, "app_id", d.appID, "err", err)
			return outbox.Failed
		case status >= 200 && status < 300:
			return outbox.Delivered
		case status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests:
			e.base.Log.Debug("activity rejected by bot", "status", status, "app_id", d.appID)
			return outbox.Refused
		}
		return outbox.Failed
	}
}

func (e *Emulator) post(ctx context.Context, d *delivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, e.base.Opts.AckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+e.activityToken(d.appID, d.serviceURL))
	req.Header.Set("User-Agent", "Microsoft-SkypeBotApi (Microsoft-BotFramework 3.0)")
	res, err := e.base.Opts.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	return res.StatusCode, nil
}
