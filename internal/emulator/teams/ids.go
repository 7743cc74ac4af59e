package teams

import (
	"crypto/rand"
	"strconv"

	"parley/internal/emulator/ids"
)

// unique makes gen's results unique across the emulator; the caller holds
// e.mu.
func (e *Emulator) unique(gen func() string) string { return e.st.ids.New(gen) }

// newThreadID returns a channel conversation ID in the current
// "19:<32 hex>@thread.tacv2" form.
func (e *Emulator) newThreadID() string {
	return e.unique(func() string { return "19:" + ids.Hex(16) + "@thread.tacv2" })
}

// newMRI returns a Teams user ID "29:1…" (opaque, base64url-ish, as real
// ones are).
func (e *Emulator) newMRI() string {
	return e.unique(func() string { return "29:1" + ids.String(ids.URLSafe, 43) })
}

// newMessageID returns a Teams message ID: the creation time in epoch
// milliseconds, bumped to stay unique and increasing emulator-wide.
func (e *Emulator) newMessageID() string {
	return strconv.FormatInt(e.st.messageID.Next(e.now().UnixMilli()), 10)
}

// newActivityID returns the ID of an activity that is not a message
// (conversationUpdate, reactions, …), shaped like Teams' "f:…" IDs.
func newActivityID() string { return "f:" + strconv.FormatUint(randUint64(), 10) }

func randUint64() uint64 {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return v >> 1
}
