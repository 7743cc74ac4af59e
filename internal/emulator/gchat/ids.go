package gchat

import "parley/internal/emulator/ids"

// newUserID returns a numeric Chat user ID like real ones (21 digits, no
// leading zero); the caller holds e.mu.
func (e *Emulator) newUserID() string {
	return e.st.ids.New(func() string { return "users/1" + ids.String(ids.Digits, 20) })
}

// newSpaceID returns "spaces/AAAA…" (11 characters like real space IDs).
func (e *Emulator) newSpaceID() string {
	return e.st.ids.New(func() string { return "spaces/AAAA" + ids.String(ids.Alnum, 7) })
}

// newOpaqueID returns a fresh 11-character ID unique across the emulator,
// for threads, messages, reactions and attachments.
func (e *Emulator) newOpaqueID() string {
	return e.st.ids.New(func() string { return ids.String(ids.URLSafe, 11) })
}
