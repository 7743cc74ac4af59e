package slack

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	secret := []byte("s3cr3t")
	now := time.Unix(1_700_000_000, 0)
	body := []byte(`{"type":"event_callback"}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	good := sign(secret, ts, body)

	tests := []struct {
		name    string
		ts, sig string
		body    []byte
		want    error
	}{
		{"valid", ts, good, body, nil},
		{"valid at the edge of the window", "1699999700", sign(secret, "1699999700", body), body, nil},
		{"valid from slightly ahead", "1700000299", sign(secret, "1700000299", body), body, nil},
		{"missing timestamp", "", good, body, errNoSignature},
		{"missing signature", ts, "", body, errNoSignature},
		{"timestamp not a number", "12ab", good, body, errBadTimestamp},
		{"timestamp too old", "1699999699", sign(secret, "1699999699", body), body, errStale},
		{"timestamp too far ahead", "1700000301", sign(secret, "1700000301", body), body, errStale},
		{"timestamp minimum int", "-9223372036854775808", good, body, errStale},
		{"timestamp maximum int", "9223372036854775807", good, body, errStale},
		{"body tampered", ts, good, []byte(`{"type":"event_callback" }`), errBadSignature},
		{"wrong secret", ts, sign([]byte("other"), ts, body), body, errBadSignature},
		{"signature without version", ts, good[3:], body, errBadSignature},
		{"signature upper-case hex", ts, "v0=" + upper(good[3:]), body, errBadSignature},
		{"timestamp of another request", "1700000001", good, body, errBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verify(secret, tt.ts, tt.sig, tt.body, now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// TestSignMatchesSlackExample checks sign against the worked example in
// Slack's "Verifying requests from Slack" documentation.
func TestSignMatchesSlackExample(t *testing.T) {
	secret := []byte("8f742231b10e8888abcd99yyyzzz85a5")
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	if got := sign(secret, "1531420618", body); got != want {
		t.Fatalf("sign = %s, want %s", got, want)
	}
}
