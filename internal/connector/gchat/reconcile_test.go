package gchat_test

import (
	"context"
	"errors"
	"testing"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

// TestFindSent: a create made with a delivery key is found again by that
// key, and a retried create with the same key returns the same message
// instead of a second one.
func TestFindSent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ch := core.ChannelID(e.space.Name)
	msg := connector.Message{Body: richtext.Plain("keyed"), Key: "delivery-key-1"}
	id, err := e.client.Send(ctx, ch, msg)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.client.Send(ctx, ch, msg)
	if err != nil || again != id {
		t.Fatalf("retried create = %q, %v; want the first message %q", again, err, id)
	}
	rec := e.client.(connector.Reconciler)
	if got, err := rec.FindSent(ctx, ch, "", "delivery-key-1"); err != nil || got != id {
		t.Fatalf("FindSent = %q, %v; want %q", got, err, id)
	}
	if _, err := rec.FindSent(ctx, ch, "", "never-sent"); !errors.Is(err, connector.ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
}
