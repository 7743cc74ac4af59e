package webex

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"strings"
)

// Reasons a signature check fails; they are logged as reasons and carry
// none of the request's values.
var (
	errNoSignature  = errors.New("missing X-Spark-Signature")
	errBadSignature = errors.New("signature mismatch")
)

// sign computes X-Spark-Signature: lowercase hex HMAC-SHA1 of the raw body.
func sign(secret, body []byte) string {
	mac := hmac.New(sha1.New, secret)
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// verify checks sig against the raw body in constant time. Webex signs
// with SHA-1 only and puts no timestamp in the request, so replays are
// caught by deduplication, not here.
func verify(secret []byte, sig string, body []byte) error {
	if sig == "" {
		return errNoSignature
	}
	if !hmac.Equal([]byte(sign(secret, body)), []byte(strings.ToLower(strings.TrimSpace(sig)))) {
		return errBadSignature
	}
	return nil
}
