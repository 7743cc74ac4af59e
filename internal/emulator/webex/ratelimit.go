package webex

import "parley/internal/emulator/ratelimit"

// Webex publishes no messaging quota (wire-facts §4.5); the emulator allows
// each token a sustained 600 calls a minute with bursts of 300, enough for
// chats and tests, while a flood is answered 429 with Retry-After.
var tokenRate = ratelimit.PerMinute(600, 300)
