package teams

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
)

const (
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	b64url     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)

// randomString returns n characters drawn from alphabet using crypto/rand,
// so tokens and download keys are unguessable like real ones.
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

// newGUID returns a version-4 UUID, the form of Entra tenant, object,
// group and app IDs.
func newGUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// unique makes gen's results unique across the emulator; the caller holds
// e.mu.
func (e *Emulator) unique(gen func() string) string {
	for {
		id := gen()
		if !e.st.ids[id] {
			e.st.ids[id] = true
			return id
		}
	}
}

// newThreadID returns a channel conversation ID in the current
// "19:<32 hex>@thread.tacv2" form.
func (e *Emulator) newThreadID() string {
	return e.unique(func() string { return "19:" + randomHex(16) + "@thread.tacv2" })
}

// newMRI returns a Teams user ID "29:1…" (opaque, base64url-ish, as real
// ones are).
func (e *Emulator) newMRI() string {
	return e.unique(func() string { return "29:1" + randomString(b64url, 43) })
}

// newMessageID returns a Teams message ID: the creation time in epoch
// milliseconds, bumped to stay unique and increasing emulator-wide.
func (e *Emulator) newMessageID() string {
	ms := e.now().UnixMilli()
	if ms <= e.st.lastM {
		ms = e.st.lastM + 1
	}
	e.st.lastM = ms
	return strconv.FormatInt(ms, 10)
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
