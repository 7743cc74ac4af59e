package gchat

import (
	"errors"
	"fmt"
	"time"

	"google.golang.org/api/googleapi"

	"parley/internal/connector"
	"parley/internal/connector/rest"
)

// defaultRetryAfter is used when a 429 has no Retry-After: Chat allows
// about one write per second per space.
const defaultRetryAfter = 2 * time.Second

// rules are Google Chat's reading of its answers: HTTP's own rule (a 403
// PERMISSION_DENIED is a refusal of the request, not of the app's key).
var rules = rest.Rules{Platform: "gchat", RetryAfter: defaultRetryAfter}

// mapError wraps a Chat API failure into the connector sentinels, with op
// (the API method) as context. 5xx and network errors stay retryable, with
// the URL they quote redacted; a request the egress guard refused is
// permanent.
func mapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var rl *connector.RateLimitError
	if errors.As(err, &rl) {
		// The transport gave up on a long wait.
		return fmt.Errorf("gchat %s: %w", op, rl)
	}
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return rules.SendError(op, err)
	}
	return rules.Error(op, ge.Code, ge.Header, nil)
}

// isStatus reports whether err is a Chat API error with this status.
func isStatus(err error, code int) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == code
}
