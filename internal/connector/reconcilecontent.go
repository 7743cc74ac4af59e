package connector

import (
	"context"

	"parley/internal/core"
)

// ContentReconciler is the fallback of Reconciler for platforms whose
// messages cannot carry a Key (Webex): it looks among the app's own recent
// messages in ch (in the thread root, if any) for one showing exactly what
// m renders to. Candidates for which taken reports true are already known
// copies of other messages and are passed over, so two identical texts in
// a row are not mistaken for one. It returns ErrNotFound when there is none.
//
// The trade-off against a Key: only a bounded window of recent messages is
// searched, and two deliveries of identical text whose outcomes are both
// unknown could match each other's copy.
type ContentReconciler interface {
	FindSentContent(ctx context.Context, ch core.ChannelID, root core.MessageID, m Message, taken func(core.MessageID) bool) (core.MessageID, error)
}
