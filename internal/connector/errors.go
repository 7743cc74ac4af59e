package connector

import (
	"context"
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

// Class is what a failed call means for trying it again. Every caller that
// retries (delivery, installation, catch-up) reads errors through Classify,
// so that a platform's answer means the same thing everywhere.
type Class int

const (
	// Transient: the platform or the network failed (5xx, a timeout, a
	// reset); the same call may well succeed after a backoff.
	Transient Class = iota
	// RateLimited: the platform asked for a wait (a RateLimitError); the
	// same call will succeed after it.
	RateLimited
	// Auth: the workspace's credentials were refused (ErrAuth). The same
	// call fails until someone reconnects the workspace, so retrying it
	// is a decision about waiting for a person, not for the platform.
	Auth
	// Permanent: the same call cannot succeed (ErrPermanent, ErrNotFound,
	// an UnsupportedError, or its context was canceled).
	Permanent
)

func (c Class) String() string {
	switch c {
	case RateLimited:
		return "rate_limited"
	case Auth:
		return "auth"
	case Permanent:
		return "permanent"
	default:
		return "transient"
	}
}

// Classify says what err means for trying the call again. A rate limit is
// read first (a wait was asked for, whatever else is wrapped), then what
// cannot succeed, then refused credentials; anything else is transient,
// errors Parley does not recognise included, since giving up on a message
// for an unknown reason loses it.
func Classify(err error) Class {
	var rl *RateLimitError
	var unsupported *UnsupportedError
	switch {
	case errors.As(err, &rl):
		return RateLimited
	case errors.Is(err, ErrPermanent), errors.Is(err, ErrNotFound),
		errors.As(err, &unsupported), errors.Is(err, context.Canceled):
		return Permanent
	case errors.Is(err, ErrAuth):
		return Auth
	default:
		return Transient
	}
}

// Retryable reports whether the same call, made again unchanged, may
// succeed without anyone acting: after a transient failure or a rate
// limit. A nil error is not retryable: there is nothing to retry.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	c := Classify(err)
	return c == Transient || c == RateLimited
}
