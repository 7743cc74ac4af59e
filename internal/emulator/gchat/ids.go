package gchat

import (
	"crypto/rand"
	"encoding/hex"
)

const (
	alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	// idChars are the characters of Chat's message and thread IDs
	// (URL-safe base64).
	idChars = alnum + "_-"
	digits  = "0123456789"
)

// randomString returns n characters drawn (near-uniformly) from alphabet using
// crypto/rand, so tokens and IDs are unguessable like real ones.
func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // documented never to fail since Go 1.24
	out := make([]byte, n)
	for i, v := range b {
		out[i] = alphabet[int(v)%len(alphabet)]
	}
	return string(out)
}

func randomHex(nBytes int) string {
	b := make([]byte, nBytes)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newUserID returns a numeric Chat user ID like real ones (21 digits, no
// leading zero); the caller holds e.mu.
func (e *Emulator) newUserID() string {
	for {
		id := "users/1" + randomString(digits, 20)
		if !e.st.ids[id] {
			e.st.ids[id] = true
			return id
		}
	}
}

// newSpaceID returns "spaces/AAAA…" (11 characters like real space IDs).
func (e *Emulator) newSpaceID() string {
	for {
		id := "spaces/AAAA" + randomString(alnum, 7)
		if !e.st.ids[id] {
			e.st.ids[id] = true
			return id
		}
	}
}

// newOpaqueID returns a fresh 11-character ID unique across the emulator,
// for threads, messages, reactions and attachments.
func (e *Emulator) newOpaqueID() string {
	for {
		id := randomString(idChars, 11)
		if !e.st.ids[id] {
			e.st.ids[id] = true
			return id
		}
	}
}
