package delivery

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
)

// ErrPanicked: handling the delivery panicked. It is permanent: the same
// event would panic again, so it is set aside (dead-lettered) instead of
// retried, and everything else keeps flowing.
var ErrPanicked = errors.New("panicked")

// Recover turns a panic in the calling function into ErrPanicked in *err,
// and logs where it happened. Use it as `defer delivery.Recover(log,
// "what", &err)`. The panic's value may hold message content (a panic
// message built from a text), so only a runtime error's own message —
// indexes and types, never data — or the value's type is logged, with the
// stack, which holds function names and lines only.
func Recover(log *slog.Logger, what string, err *error) {
	v := recover()
	if v == nil {
		return
	}
	LogPanic(log, what, v)
	*err = fmt.Errorf("%s: %w", what, ErrPanicked)
}

// LogPanic logs a recovered panic without its value's content.
func LogPanic(log *slog.Logger, what string, v any) {
	desc := fmt.Sprintf("%T", v)
	if re, ok := v.(runtime.Error); ok {
		desc = re.Error()
	}
	log.Error("recovered from a panic; the event is set aside", "where", what, "panic", desc, "stack", string(debug.Stack()))
}
