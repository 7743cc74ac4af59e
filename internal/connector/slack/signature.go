package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"
)

// maxSkew is Slack's replay window: a request whose timestamp is further
// than this from our clock is refused even with a valid signature.
const maxSkew = 5 * time.Minute

// Reasons a signature check fails. They are logged as reasons; none of them
// carries the request's values.
var (
	errNoSignature  = errors.New("missing signature headers")
	errBadTimestamp = errors.New("malformed timestamp")
	errStale        = errors.New("timestamp outside the replay window")
	errBadSignature = errors.New("signature mismatch")
)

// sign computes Slack's v0 signature of body sent at timestamp ts.
func sign(secret []byte, ts string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// verify checks X-Slack-Signature (sig) and X-Slack-Request-Timestamp (ts)
// against the raw body. The timestamp is checked first so that a replayed
// old request costs no HMAC; the comparison is constant-time.
func verify(secret []byte, ts, sig string, body []byte, now time.Time) error {
	if ts == "" || sig == "" {
		return errNoSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errBadTimestamp
	}
	// Compare in seconds so that absurd timestamps cannot overflow a Duration.
	skew := now.Unix() - sec
	if skew < 0 {
		skew = -skew
	}
	if skew < 0 || skew > int64(maxSkew/time.Second) {
		return errStale
	}
	if !hmac.Equal([]byte(sign(secret, ts, body)), []byte(sig)) {
		return errBadSignature
	}
	return nil
}
