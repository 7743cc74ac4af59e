package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// TestGatewayRejectsHostileInbound sends what an attacker or a broken
// proxy would to the gateway's public Slack endpoint, and checks each
// answer, that nothing was relayed, and that the gateway carries on.
func TestGatewayRejectsHostileInbound(t *testing.T) {
	w := startWorld(t)
	acme, globex := w.ws("acme"), w.ws("globex")
	acmeCh, globexCh := w.linked(acme), w.linked(globex)
	signing := mustRead(t, filepath.Join(w.dir, "secrets", "slack-signing-secret"))
	url := w.m.Gateway.Inbound["slack"]

	event := func(id, text string) []byte {
		return fmt.Appendf(nil, `{"token":"x","team_id":%q,"api_app_id":"A1","type":"event_callback","event_id":%q,"event_time":%d,`+
			`"event":{"type":"message","channel":%q,"user":%q,"text":%q,"ts":"%d.000100","channel_type":"channel"}}`,
			acme.ID, id, time.Now().Unix(), acmeCh, acme.Users[0].ID, text, time.Now().Unix())
	}
	sign := func(secret []byte, ts int64, body []byte) string {
		mac := hmac.New(sha256.New, secret)
		fmt.Fprintf(mac, "v0:%d:%s", ts, body)
		return "v0=" + hex.EncodeToString(mac.Sum(nil))
	}
	send := func(body []byte, ts int64, sig string) int {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("X-Slack-Signature", sig)
		resp, err := w.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	now := time.Now().Unix()
	forged := "forged-" + randomHex(4)
	stale := "stale-" + randomHex(4)
	replayed := "replayed-" + randomHex(4)
	huge := append(event("EvHUGE", "x"), bytes.Repeat([]byte(" "), 10<<20)...)

	cases := []struct {
		name string
		body []byte
		ts   int64
		sig  func([]byte, int64) string
		want int
	}{
		{"forged signature", event("EvFORGED", forged), now, func(b []byte, ts int64) string { return sign([]byte("not-the-secret"), ts, b) }, 401},
		{"timestamp older than 5 minutes", event("EvSTALE", stale), now - 301, func(b []byte, ts int64) string { return sign(signing, ts, b) }, 401},
		{"malformed JSON", []byte(`{"type":"event_callback",`), now, func(b []byte, ts int64) string { return sign(signing, ts, b) }, 400},
		{"10 MB body", huge, now, func(b []byte, ts int64) string { return sign(signing, ts, b) }, 413},
		{"first delivery", event("EvREPLAY", replayed), now, func(b []byte, ts int64) string { return sign(signing, ts, b) }, 200},
		{"replayed event_id", event("EvREPLAY", replayed+"-again"), now, func(b []byte, ts int64) string { return sign(signing, ts, b) }, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := send(c.body, c.ts, c.sig(c.body, c.ts)); got != c.want {
				t.Errorf("status %d, want %d", got, c.want)
			}
		})
	}

	// The gateway still relays, and relayed the genuine first delivery
	// once, and nothing else.
	after := "still-alive-" + randomHex(4)
	if _, _, err := w.api(acme.Users[0]).PostMessage(acmeCh, slack.MsgOptionText(after, false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, globexCh, "relay after hostile input", func(msgs []slack.Message) bool {
		if find(msgs, after) == nil || find(msgs, replayed) == nil {
			return false
		}
		for _, m := range msgs {
			for _, bad := range []string{forged, stale, replayed + "-again"} {
				if strings.Contains(m.Text, bad) {
					t.Fatalf("%q was relayed", bad)
				}
			}
		}
		return true
	})
}
