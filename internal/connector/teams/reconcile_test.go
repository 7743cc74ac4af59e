package teams_test

import (
	"context"
	"errors"
	"testing"

	"parley/internal/connector"
	teamsconn "parley/internal/connector/teams"
	"parley/internal/core"
	"parley/internal/richtext"
)

// TestFindSent: a card posted with a delivery key is found by that key —
// also by a fresh connector that has never seen the channel, as after a
// restart — top-level and in a thread; another key is not.
func TestFindSent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ch := core.ChannelID(e.channel.ID)
	id, err := e.client.Send(ctx, ch, connector.Message{Body: richtext.Plain("keyed"), Key: "k-1"})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := e.client.(connector.ThreadSender).SendReply(ctx, ch, id, connector.Message{Body: richtext.Plain("keyed reply"), Key: "k-2"})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := teamsconn.New(e.config()).Install(ctx, connector.Installation{Tenant: "t", Workspace: core.WorkspaceID(e.tenant.ID)})
	if err != nil {
		t.Fatal(err)
	}
	rec := fresh.(connector.Reconciler)
	if got, err := rec.FindSent(ctx, ch, "", "k-1"); err != nil || got != id {
		t.Fatalf("top-level FindSent = %q, %v; want %q", got, err, id)
	}
	if got, err := rec.FindSent(ctx, ch, id, "k-2"); err != nil || got != reply {
		t.Fatalf("reply FindSent = %q, %v; want %q", got, err, reply)
	}
	if _, err := rec.FindSent(ctx, ch, "", "k-unknown"); !errors.Is(err, connector.ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
}
