package connector

import (
	"errors"
	"fmt"
	"time"

	"parley/internal/core"
)

// Sentinel errors. Delivery decides what to do from these, so connectors
// wrap platform errors into them with %w.
var (
	// ErrNotFound: the user, message or channel does not exist (any more).
	ErrNotFound = errors.New("not found")
	// ErrPermanent: retrying cannot help (no permission, channel archived,
	// payload rejected). Delivery stops and tells the sender.
	ErrPermanent = errors.New("permanent failure")
	// ErrAuth: the workspace's token is invalid, expired or revoked. The
	// workspace is marked unhealthy until it is reconnected.
	ErrAuth = errors.New("authentication failed")
	// ErrUnknownWorkspace: no installation for this workspace.
	ErrUnknownWorkspace = errors.New("unknown workspace")
	// ErrOtherTenant: the workspace is installed for another tenant.
	// Inbound events name only the workspace, so a workspace belongs to
	// one tenant, and a second install never replaces the first. It is
	// permanent.
	ErrOtherTenant = fmt.Errorf("the workspace is already installed for another tenant (a workspace belongs to one tenant only): %w", ErrPermanent)
)

// UnsupportedError says a platform cannot do something at all.
type UnsupportedError struct {
	Platform   core.Platform
	Capability string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%s does not support %s", e.Platform, e.Capability)
}

// RateLimitError says the platform asked us to wait before calling again.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited: retry after %s", e.RetryAfter)
}
