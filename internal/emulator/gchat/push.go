package gchat

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/emulator/outbox"
)

// publish fans an event on space s out to every subscription covering it:
// each gets a CloudEvent published to its Pub/Sub topic, which the topic's
// push subscription delivers to the app's PushEndpoint. data builds the
// payload with (true) or without (false) the full resource. The caller
// holds e.mu.
func (e *Emulator) publish(s *space, typ, subject string, data func(full bool) any) {
	now := e.now()
	var subs []*subscription
	for _, sub := range e.st.subs {
		if sub.covers(s, typ, now) {
			subs = append(subs, sub)
		}
	}
	slices.SortFunc(subs, func(a, b *subscription) int { return a.seq - b.seq })
	for _, sub := range subs {
		e.pushEvent(sub, typ, chatTarget+s.name, now, data(sub.includeResource))
	}
}

// pushEvent publishes one CloudEvent about subject to sub's Pub/Sub topic,
// which the topic's push subscription delivers to the app's PushEndpoint,
// in order behind what was published before. The caller holds e.mu.
func (e *Emulator) pushEvent(sub *subscription, typ, subject string, at time.Time, data any) {
	a := e.st.topics[sub.topic]
	if a == nil || a.spec.PushEndpoint == "" {
		return
	}
	payload, err := json.Marshal(data)
	if err != nil {
		return
	}
	msgID, published := e.nextPubSubID(), ts(e.now())
	body, err := json.Marshal(map[string]any{
		"message": map[string]any{
			"attributes": map[string]string{
				"ce-id":              msgID,
				"ce-source":          "//workspaceevents.googleapis.com/" + sub.name,
				"ce-specversion":     "1.0",
				"ce-type":            typ,
				"ce-subject":         subject,
				"ce-time":            ts(at),
				"ce-datacontenttype": "application/json",
			},
			"data":         base64.StdEncoding.EncodeToString(payload),
			"messageId":    msgID,
			"message_id":   msgID,
			"publishTime":  published,
			"publish_time": published,
		},
		"subscription": a.pushSub,
	})
	if err != nil {
		return
	}
	url, aud := a.spec.PushEndpoint, a.spec.PushAudience
	a.pushes.Push(func(ctx context.Context, try int) outbox.Result {
		return e.postPush(ctx, a, url, aud, body, try)
	})
}

// nextPubSubID returns Pub/Sub's decimal, increasing message IDs; the
// caller holds e.mu.
func (e *Emulator) nextPubSubID() string {
	e.st.pubsubSeq++
	return strconv.FormatInt(9_000_000_000_000_000+e.st.pubsubSeq, 10)
}

// oidcToken mints the Google-signed ID token Pub/Sub attaches to a push
// for the push service account.
func (e *Emulator) oidcToken(a *app, audience string) string {
	now := e.wall()
	return e.oidcKey.sign(jwt.MapClaims{
		"iss": oidcIssuer, "aud": audience, "azp": a.pushSAID, "sub": a.pushSAID,
		"email": a.pushSAEmail, "email_verified": true,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	})
}

// postPush makes one push attempt; Pub/Sub counts 102, 200, 201, 202 and
// 204 as an acknowledgement and anything else, or no answer within the
// ack deadline (Options.AckTimeout), as a nack.
func (e *Emulator) postPush(ctx context.Context, a *app, url, audience string, body []byte, try int) outbox.Result {
	ctx, cancel := context.WithTimeout(ctx, e.base.Opts.AckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return outbox.Failed
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)")
	req.Header.Set("Authorization", "Bearer "+e.oidcToken(a, audience))
	res, err := e.base.Opts.HTTPClient.Do(req)
	if err != nil {
		e.base.Log.Debug("push delivery failed", "error_kind", "transport", "try", try)
		return outbox.Failed
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	switch res.StatusCode {
	case 102, 200, 201, 202, 204:
		return outbox.Delivered
	}
	e.base.Log.Debug("push delivery rejected", "status", res.StatusCode, "try", try)
	return outbox.Failed
}
