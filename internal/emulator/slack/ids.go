package slack

import (
	"fmt"
	"strconv"
	"strings"

	"parley/internal/emulator/ids"
)

// newID returns a fresh ID of the given kind (T team, U user, C channel,
// B bot, A app, F file, Ev event) followed by ten of [0-9A-Z]; the caller
// holds e.mu.
func (e *Emulator) newID(kind string) string {
	return e.st.ids.New(func() string { return kind + ids.String(ids.UpperAlnum, 10) })
}

// newTS returns a message timestamp "<unix>.<6 digits>". Slack's ts is
// unique per channel; the emulator makes it unique and strictly increasing
// across the whole emulator, which implies the per-channel rule and keeps
// event ts values (used for edits and deletes) distinct from message ts.
func (e *Emulator) newTS() string {
	return formatTS(e.st.ts.Next(e.now().UnixMicro()))
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
