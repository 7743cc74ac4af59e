package slack

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/connector"
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
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return fmt.Errorf("slack %s: %w", op, &connector.RateLimitError{RetryAfter: rl.RetryAfter})
	}
	var status slack.StatusCodeError
	if errors.As(err, &status) {
		return mapStatus(op, status.Code, err)
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

// mapStatus maps an HTTP status that came without a usable Slack body.
func mapStatus(op string, code int, err error) error {
	switch {
	case code == http.StatusTooManyRequests:
		return fmt.Errorf("slack %s: %w", op, &connector.RateLimitError{RetryAfter: defaultRetryAfter})
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return fmt.Errorf("slack %s: status %d: %w", op, code, connector.ErrAuth)
	case code == http.StatusNotFound:
		return fmt.Errorf("slack %s: status %d: %w", op, code, connector.ErrNotFound)
	case code >= 400 && code < 500:
		return fmt.Errorf("slack %s: status %d: %w", op, code, connector.ErrPermanent)
	default:
		return fmt.Errorf("slack %s: %w", op, err)
	}
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
