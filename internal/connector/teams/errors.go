package teams

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"parley/internal/connector"
	"parley/internal/connector/rest"
)

// defaultRetryAfter is used on a 429 without Retry-After: Teams' tightest
// window is per second (7 sends/s per conversation), so a second usually
// clears it.
const defaultRetryAfter = time.Second

// resourceRefusals are 403 codes about one conversation or message (the
// bot was removed from a team, the message is someone else's) rather than
// the app's credentials: marking the whole tenant unhealthy for them would
// stop every other channel.
var resourceRefusals = map[string]bool{
	"BotNotInConversationRoster": true, "ConversationBlockedByUser": true, "Forbidden": true,
}

// oauthRefusals are the token endpoint's answers to credentials it does
// not accept, which it gives with a 400.
var oauthRefusals = map[string]bool{"invalid_client": true, "unauthorized_client": true, "invalid_grant": true}

// rules are Teams' reading of the Bot Connector's, Graph's and the token
// endpoint's answers.
func rules(now func() time.Time) rest.Rules {
	return rest.Rules{Platform: "teams", RetryAfter: defaultRetryAfter, Code: errorCode, Sentinel: sentinel, Now: now}
}

// sentinel is where Teams differs from HTTP's rule.
func sentinel(status int, code string) error {
	switch {
	case status == http.StatusForbidden && resourceRefusals[code]:
		// The app is fine; this one conversation or message is not ours
		// to act on.
		return connector.ErrPermanent
	case status == http.StatusForbidden:
		// A permission the app lacks, which the customer's admin grants.
		return connector.ErrAuth
	case status == http.StatusPreconditionFailed:
		// Teams asks bots to retry 412 (as 502 and 504) with backoff.
		return nil
	case status == http.StatusBadRequest && oauthRefusals[code]:
		return connector.ErrAuth
	default:
		// 413 MessageSizeTooBig and other refusals: the same request
		// will be refused again.
		return rest.Sentinel(status)
	}
}

// forbidden reports whether err is a 403 read as a missing permission
// (not a 401: the credentials themselves are fine), for callers that can
// do without the permission.
func forbidden(err error) bool {
	var se *rest.StatusError
	return errors.As(err, &se) && se.Status == http.StatusForbidden && errors.Is(err, connector.ErrAuth)
}

// errorCode reads the error code from the three shapes in use: Bot
// Connector {"error":{"code"}}, Graph (the same), and OAuth {"error":"…"}.
func errorCode(b []byte) string {
	var v struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(b, &v) != nil || len(v.Error) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(v.Error, &s) == nil {
		return s
	}
	var o struct {
		Code string `json:"code"`
	}
	if json.Unmarshal(v.Error, &o) == nil {
		return o.Code
	}
	return ""
}
