package connector_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"parley/internal/connector"
)

func TestClassify(t *testing.T) {
	rl := &connector.RateLimitError{RetryAfter: time.Second}
	tests := []struct {
		name      string
		err       error
		class     connector.Class
		retryable bool
	}{
		{"5xx or network", errors.New("webex messages create: status 502"), connector.Transient, true},
		{"timeout", fmt.Errorf("post: %w", context.DeadlineExceeded), connector.Transient, true},
		{"unknown workspace, not installed yet", connector.ErrUnknownWorkspace, connector.Transient, true},
		{"rate limit", fmt.Errorf("slack chat.postMessage: %w", rl), connector.RateLimited, true},
		{"a rate limit wins over what else is wrapped", fmt.Errorf("%w: %w", rl, connector.ErrAuth), connector.RateLimited, true},
		{"credentials refused", fmt.Errorf("teams token: %w", connector.ErrAuth), connector.Auth, false},
		{"permanent", fmt.Errorf("gchat: %w", connector.ErrPermanent), connector.Permanent, false},
		{"other tenant", connector.ErrOtherTenant, connector.Permanent, false},
		{"not found", fmt.Errorf("x: %w", connector.ErrNotFound), connector.Permanent, false},
		{"unsupported", &connector.UnsupportedError{Platform: "webex", Capability: "reactions"}, connector.Permanent, false},
		{"canceled", fmt.Errorf("x: %w", context.Canceled), connector.Permanent, false},
		{"permanent wins over auth", fmt.Errorf("%w: %w", connector.ErrAuth, connector.ErrPermanent), connector.Permanent, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := connector.Classify(tt.err); got != tt.class {
				t.Errorf("Classify = %v, want %v", got, tt.class)
			}
			if got := connector.Retryable(tt.err); got != tt.retryable {
				t.Errorf("Retryable = %v, want %v", got, tt.retryable)
			}
		})
	}
	if connector.Retryable(nil) {
		t.Error("Retryable(nil) = true")
	}
}
