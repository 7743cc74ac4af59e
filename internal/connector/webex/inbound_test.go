package webex_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"slices"
	"testing"
	"time"

	"parley/internal/core"
)

// sparkSign signs like Webex does, independently of the connector's code.
func sparkSign(key string, body []byte) http.Header {
	mac := hmac.New(sha1.New, []byte(key))
	mac.Write(body)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Spark-Signature", hex.EncodeToString(mac.Sum(nil)))
	return h
}

type hostile struct {
	name   string
	body   []byte
	header http.Header
	want   int
}

// hostileRequests builds, from a genuine delivery the emulator made, the
// requests an attacker or a confused platform could send.
func hostileRequests(t *testing.T, e *env, texts *textLog) []hostile {
	t.Helper()
	p := e.harness(texts).Person
	id, err := p.Post(t.Context(), "genuine delivery")
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	var real delivery
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ok bool
		if real, ok = e.got.Find(string(id)); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the emulator did not deliver the post")
		}
		select {
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	// The capture sees the request on arrival; wait until the genuine event
	// is in the sink, or it could land during a later case and be counted
	// as that case's leak.
	for !slices.ContainsFunc(e.events.Events(), func(ev core.Event) bool { return ev.Message == id }) {
		if time.Now().After(deadline) {
			t.Fatal("the genuine delivery never reached the sink")
		}
		select {
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	otherOrg := bytes.ReplaceAll(real.Body, []byte(e.org.ID), []byte("T3RoZXJPcmc"))
	big := append([]byte(`{"id":"x","pad":"`), bytes.Repeat([]byte("x"), 1<<20)...)
	big = append(big, `"}`...)
	malformed := []byte(`{"id":"x","resource":"messages","data":`)
	noData := []byte(`{"id":"x","resource":"messages","event":"created"}`)
	return []hostile{
		{"replayed delivery", real.Body, real.Header, http.StatusOK},
		{"forged signature", real.Body, sparkSign("not-the-secret", real.Body), http.StatusUnauthorized},
		{"no signature", real.Body, http.Header{"Content-Type": {"application/json"}}, http.StatusUnauthorized},
		{"tampered body", bytes.Replace(real.Body, []byte(`"created"`), []byte(`"updated"`), 1), real.Header, http.StatusUnauthorized},
		{"malformed json", malformed, sparkSign(webhookSecret, malformed), http.StatusBadRequest},
		{"no message id", noData, sparkSign(webhookSecret, noData), http.StatusBadRequest},
		{"1 MB body", big, sparkSign(webhookSecret, big), http.StatusRequestEntityTooLarge},
		{"org not installed", otherOrg, sparkSign(webhookSecret, otherOrg), http.StatusOK},
	}
}

func (e *env) send(t *testing.T, h hostile) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.appSrv.URL+"/webex/webhooks", bytes.NewReader(h.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h.header.Clone()
	resp, err := e.appSrv.Client().Do(req)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	defer resp.Body.Close()
	return resp.StatusCode
}

// TestInboundRejections sends hostile requests over TLS to the handler the
// emulator delivers to: each gets the right status and nothing reaches the
// sink.
func TestInboundRejections(t *testing.T) {
	e := newEnv(t)
	for _, h := range hostileRequests(t, e, &textLog{}) {
		t.Run(h.name, func(t *testing.T) {
			before := len(e.events.Events())
			if got := e.send(t, h); got != h.want {
				t.Fatalf("status %d, want %d", got, h.want)
			}
			if after := len(e.events.Events()); after != before {
				t.Fatalf("%d events reached the sink", after-before)
			}
		})
	}
	evs := e.events.Events()
	if len(evs) == 0 || !e.events.Seen(core.Webex, evs[0].ID) {
		t.Fatal("the genuine delivery was not recorded as seen")
	}
}
