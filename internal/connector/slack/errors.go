package slack

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	"parley/internal/connector/rest"
	"parley/internal/retry"
)

// defaultRetryAfter is used when Slack says "ratelimited" without a
// Retry-After header; Slack's tiers refill within a minute.
const defaultRetryAfter = 30 * time.Second

// Slack error codes by what delivery should do about them.
var (
	authCodes = codes("invalid_auth", "not_authed", "token_revoked",
		"token_expired", "account_inactive")
	permanentCodes = codes("channel_not_found", "not_in_channel", "is_archived",
		"msg_too_long", "missing_scope", "restricted_action",
		"cant_update_message", "cant_delete_message")
	notFoundCodes = codes("message_not_found", "users_not_found",
		"user_not_found", "file_not_found")
	// transientCodes are Slack-side failures answered with HTTP 200;
	// retrying may succeed.
	transientCodes = codes("internal_error", "fatal_error",
		"service_unavailable", "request_timeout")
)

func codes(cs ...string) map[string]bool {
	m := make(map[string]bool, len(cs))
	for _, c := range cs {
		m[c] = true
	}
	return m
}

// slackError is an ok:false answer from the Web API, for the calls this
// package makes without slack-go.
type slackError struct{ code string }

func (e slackError) Error() string { return e.code }

// mapError wraps a Web API failure into the connector sentinels, with op
// (the Slack method) as context. Other ok:false codes (no_text,
// invalid_arguments, invalid_name, …) mean the request itself was refused,
// so they are permanent too; 5xx and network errors stay retryable as is.
func mapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var read *rest.StatusError
	if errors.As(err, &read) {
		return err // read by rules already
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		// slack-go read the Retry-After; the kit's bound still holds.
		return fmt.Errorf("slack %s: %w", op, &connector.RateLimitError{RetryAfter: retry.Bound(rl.RetryAfter)})
	}
	var status slack.StatusCodeError
	if errors.As(err, &status) {
		// slack-go keeps no header or body of the answer.
		return rules(nil).Error(op, status.Code, nil, nil)
	}
	code, ok := errorCode(err)
	if !ok {
		return fmt.Errorf("slack %s: %w", op, err)
	}
	switch {
	case code == "ratelimited":
		return fmt.Errorf("slack %s: %w", op, &connector.RateLimitError{RetryAfter: defaultRetryAfter})
	case authCodes[code]:
		return fmt.Errorf("slack %s: %s: %w", op, code, connector.ErrAuth)
	case notFoundCodes[code]:
		return fmt.Errorf("slack %s: %s: %w", op, code, connector.ErrNotFound)
	case transientCodes[code]:
		return fmt.Errorf("slack %s: %w", op, err)
	default:
		return fmt.Errorf("slack %s: %s: %w", op, code, connector.ErrPermanent)
	}
}

// rules are Slack's reading of an HTTP answer that came without a usable
// Slack body (the Web API answers its own failures with 200 and a code):
// 30 s for a bare 429, and a 403 is a refused token.
func rules(now func() time.Time) rest.Rules {
	return rest.Rules{Platform: "slack", RetryAfter: defaultRetryAfter, Sentinel: sentinel, Now: now}
}

func sentinel(status int, _ string) error {
	if status == http.StatusForbidden {
		return connector.ErrAuth
	}
	return rest.Sentinel(status)
}

// errorCode extracts Slack's error code from either client's error type.
func errorCode(err error) (string, bool) {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err, true
	}
	var own slackError
	if errors.As(err, &own) {
		return own.code, true
	}
	return "", false
}

// ignoreCode returns nil when err is the Slack error code, which for some
// calls means the wanted state already holds (already_reacted).
func ignoreCode(err error, code string) error {
	if c, ok := errorCode(err); ok && c == code {
		return nil
	}
	return err
}
