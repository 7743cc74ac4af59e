package slack

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// idAlphabet is what Slack IDs are made of after their one-letter kind
// prefix (T team, U user, C channel, B bot, A app, F file).
const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// randomString returns n characters drawn (near-uniformly) from alphabet using
// crypto/rand, so tokens and upload URLs are unguessable like real ones.
func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // documented never to fail since Go 1.24
	out := make([]byte, n)
	for i, v := range b {
		out[i] = alphabet[int(v)%len(alphabet)]
	}
	return string(out)
}

// newID returns a fresh ID of the given kind; the caller holds e.mu so the
// uniqueness check and insert are atomic.
func (e *Emulator) newID(kind string) string {
	for {
		id := kind + randomString(idAlphabet, 10)
		if !e.st.ids[id] {
			e.st.ids[id] = true
			return id
		}
	}
}

func randomHex(nBytes int) string {
	b := make([]byte, nBytes)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomDigits(n int) string { return randomString("0123456789", n) }

// newTS returns a message timestamp "<unix>.<6 digits>". Slack's ts is
// unique per channel; the emulator makes it unique and strictly increasing
// across the whole emulator, which implies the per-channel rule and keeps
// event ts values (used for edits and deletes) distinct from message ts.
func (e *Emulator) newTS() string {
	micros := e.now().UnixMicro()
	if micros <= e.st.lastTS {
		micros = e.st.lastTS + 1
	}
	e.st.lastTS = micros
	return formatTS(micros)
}

func formatTS(micros int64) string {
	return fmt.Sprintf("%d.%06d", micros/1e6, micros%1e6)
}

// parseTS turns "<unix>.<digits>" into microseconds. It accepts the looser
// forms Slack accepts in oldest/latest ("1712345678", "1712345678.1").
func parseTS(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	secPart, fracPart, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(secPart, 10, 64)
	if err != nil || sec < 0 || sec > 1<<40 {
		return 0, false
	}
	if len(fracPart) > 6 {
		fracPart = fracPart[:6]
	}
	frac := int64(0)
	if fracPart != "" {
		f, err := strconv.ParseInt(fracPart, 10, 64)
		if err != nil || f < 0 {
			return 0, false
		}
		for i := len(fracPart); i < 6; i++ {
			f *= 10
		}
		frac = f
	}
	return sec*1e6 + frac, true
}
