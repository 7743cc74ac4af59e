package connector

import (
	"context"

	"parley/internal/core"
)

// ThreadHistory can list thread replies posted after a given message, for
// catch-up: channel history leaves replies out, and without this a reply
// posted while Parley was down would arrive only with the platform's late
// redelivery, after newer messages of its thread.
type ThreadHistory interface {
	// RepliesAfter returns up to limit replies in ch's recently active
	// threads posted after the message after, oldest first, translated
	// like their live events.
	RepliesAfter(ctx context.Context, ch core.ChannelID, after core.MessageID, limit int) ([]core.Event, error)
}
