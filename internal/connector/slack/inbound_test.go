package slack_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	"parley/internal/core"
)

// slackSign signs like Slack does, independently of the connector's code.
func slackSign(key string, ts time.Time, body []byte) http.Header {
	t := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(key))
	fmt.Fprintf(mac, "v0:%s:", t)
	mac.Write(body)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Slack-Request-Timestamp", t)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return h
}

// hostile is one request the handler must refuse or ignore.
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
	ctx := t.Context()
	p := e.harness(texts).Person
	id, err := p.Post(ctx, "genuine delivery")
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	var real delivery
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ok bool
		if real, ok = e.lastEvent.Find(string(id)); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the emulator did not deliver the post")
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}

	now := time.Now()
	otherTeam := bytes.ReplaceAll(real.Body, []byte(e.team.ID), []byte("T0NOTINSTALL"))
	otherTeam = bytes.ReplaceAll(otherTeam, []byte(`"event_id":"`), []byte(`"event_id":"Other`))
	big := append([]byte(`{"type":"event_callback","pad":"`), bytes.Repeat([]byte("x"), 10<<20)...)
	big = append(big, `"}`...)
	return []hostile{
		{"replayed delivery", real.Body, real.Header, http.StatusOK},
		{"forged signature", real.Body, slackSign("not-the-secret", now, real.Body), http.StatusUnauthorized},
		{"timestamp older than 5 minutes", real.Body, slackSign(signingSecret, now.Add(-5*time.Minute-2*time.Second), real.Body), http.StatusUnauthorized},
		{"no signature", real.Body, http.Header{"Content-Type": {"application/json"}}, http.StatusUnauthorized},
		{"malformed json", []byte(`{"type":"event_callback","event":`), slackSign(signingSecret, now, []byte(`{"type":"event_callback","event":`)), http.StatusBadRequest},
		{"10 MB body", big, slackSign(signingSecret, now, big), http.StatusRequestEntityTooLarge},
		{"unknown team", otherTeam, slackSign(signingSecret, now, otherTeam), http.StatusOK},
	}
}

func (e *env) send(t *testing.T, h hostile) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.appSrv.URL+"/slack/events", bytes.NewReader(h.body))
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
	if !e.events.Seen(core.Slack, e.events.Events()[0].ID) {
		t.Fatal("the genuine delivery was not recorded as seen")
	}
}

// TestConnectChannelFileStubs: in a Slack Connect channel Slack sends
// files as stubs (file_access check_file_info); the connector fills them
// in from files.info, so the file is relayed with its name, size and
// bytes.
func TestConnectChannelFileStubs(t *testing.T) {
	e := newEnv(t)
	if err := e.emu.ShareExternally(e.team.ID, e.channel.ID); err != nil {
		t.Fatal(err)
	}
	content := "minutes of the joint meeting"
	if _, err := e.userAPI(e.person.Token).UploadFileContext(t.Context(), slack.UploadFileParameters{
		Filename: "minutes.txt", FileSize: len(content), Content: content, Channel: e.channel.ID,
	}); err != nil {
		t.Fatal(err)
	}
	var got core.Event
	deadline := time.Now().Add(10 * time.Second)
	for got.Kind == "" {
		for _, ev := range e.events.Events() {
			if ev.Kind == core.Posted && len(ev.Files) > 0 {
				got = ev
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no file event relayed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(got.Files) != 1 {
		t.Fatalf("files %+v", got.Files)
	}
	f := got.Files[0]
	if f.Name != "minutes.txt" || f.Size != int64(len(content)) || f.URL == "" {
		t.Fatalf("file %+v: the stub was not filled in from files.info", f)
	}
	rc, err := e.client.(connector.FileFetcher).FetchFile(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil || string(b) != content {
		t.Fatalf("fetched %q, %v", b, err)
	}
}
