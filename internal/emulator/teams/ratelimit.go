package teams

import (
	"time"

	"parley/internal/emulator/ratelimit"
)

// Teams' published per-bot, per-conversation limits (msteams-docs
// rate-limit.md).
var (
	sendLimits = []ratelimit.Window{{N: 7, Per: time.Second}, {N: 8, Per: 2 * time.Second}, {N: 60, Per: 30 * time.Second}, {N: 1800, Per: time.Hour}}
	readLimits = []ratelimit.Window{{N: 14, Per: time.Second}, {N: 16, Per: 2 * time.Second}, {N: 120, Per: 30 * time.Second}, {N: 3600, Per: time.Hour}}
	// graphLimits apply per token. Graph's Teams limits vary by API and are
	// not all published; these are generous enough for scripts and tight
	// enough that a flood is answered 429 with Retry-After.
	graphLimits = []ratelimit.Window{{N: 50, Per: time.Second}, {N: 1500, Per: time.Minute}}
)
