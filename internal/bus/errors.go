package bus

import "errors"

// ErrInvalidToken is returned for a tenant, lane or stream name that cannot
// be a NATS subject token. Fix the caller: tokens are opaque identifiers, so
// a bad one is a bug, not a transient condition.
var ErrInvalidToken = errors.New("bus: invalid subject token")

// ErrInvalidID is returned for a Message without a usable idempotency key.
var ErrInvalidID = errors.New("bus: invalid message ID")

// ErrClosed is returned by Publish and Consume once the bus has been closed.
var ErrClosed = errors.New("bus: closed")
