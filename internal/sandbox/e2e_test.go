package sandbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/logging"
	"parley/internal/tlsconf"
)

// syncBuffer collects log output from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.b.Bytes()...)
}

// world is a running sandbox seen from the outside: people acting through
// Slack's Web API with their own tokens, as real users' clients do.
type world struct {
	t      *testing.T
	sb     *Sandbox
	m      *Manifest
	pl     testPlatforms // m's platform sections, decoded
	client *http.Client
	logs   *syncBuffer
	dir    string
}

func startWorld(t *testing.T, tweaks ...func(*Options)) *world {
	t.Helper()
	dir := t.TempDir()
	logs := &syncBuffer{}
	o := Options{DataDir: dir, Logger: logging.New(logs, "debug"), EventRetryDelays: []time.Duration{0, 200 * time.Millisecond, time.Second}}
	for _, tweak := range tweaks {
		tweak(&o)
	}
	sb, err := Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = sb.Close(ctx)
	})
	m, err := ReadManifest(sb.ManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := tlsconf.PoolFromPEMFile(m.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, sb: sb, m: m, pl: platformsOf(t, m), client: tlsconf.HTTPClient(pool), logs: logs, dir: dir}
}

func (w *world) ws(name string) SlackWorkspace {
	for _, ws := range w.pl.Slack.Workspaces {
		if ws.Name == name {
			return ws
		}
	}
	w.t.Fatalf("no workspace %s", name)
	return SlackWorkspace{}
}

func (w *world) person(ws SlackWorkspace, name string) Person {
	for _, p := range ws.Users {
		if p.Name == name {
			return p
		}
	}
	w.t.Fatalf("no person %s in %s", name, ws.Name)
	return Person{}
}

// linked returns the workspace's channel in the demo room.
func (w *world) linked(ws SlackWorkspace) string {
	for _, c := range w.m.Links[0].Channels {
		if c.Workspace == ws.ID {
			return c.Channel
		}
	}
	w.t.Fatalf("%s has no linked channel", ws.Name)
	return ""
}

func (w *world) api(p Person) *slack.Client {
	return slack.New(p.Token, slack.OptionAPIURL(w.pl.Slack.APIURL), slack.OptionHTTPClient(w.client))
}

// readers rotate over a workspace's people so polling stays inside each
// token's rate limit, as several people's clients would.
func (w *world) reader(ws SlackWorkspace, i int) *slack.Client {
	return w.api(ws.Users[i%len(ws.Users)])
}

// settleTimeout bounds every wait for something to cross over. Relaying
// takes milliseconds; the bound is generous because CI runs every package
// at once under the race detector on two cores, and a poll only waits as
// long as it must.
const settleTimeout = 60 * time.Second

// await polls the channel's history (and threads) as people of ws until
// match finds a message, or fails after the deadline.
func (w *world) await(ws SlackWorkspace, ch, what string, match func(msgs []slack.Message) bool) time.Duration {
	w.t.Helper()
	start := time.Now()
	deadline := start.Add(settleTimeout)
	for i := 0; ; i++ {
		msgs, err := w.history(w.reader(ws, i), ch)
		var rl *slack.RateLimitedError
		switch {
		case errors.As(err, &rl):
			time.Sleep(rl.RetryAfter)
		case err != nil:
			w.t.Fatalf("%s: read %s: %v", what, ws.Name, err)
		case match(msgs):
			return time.Since(start)
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("%s: not seen in %s within %s; last view: %s", what, ws.Name, time.Since(start), dump(msgs))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// history returns top-level messages and thread replies.
func (w *world) history(api *slack.Client, ch string) ([]slack.Message, error) {
	h, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: ch, Limit: 100})
	if err != nil {
		return nil, err
	}
	out := append([]slack.Message(nil), h.Messages...)
	for _, m := range h.Messages {
		if m.ReplyCount > 0 {
			replies, _, _, err := api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: ch, Timestamp: m.Timestamp})
			if err != nil {
				return nil, err
			}
			for _, r := range replies {
				if r.Timestamp != m.Timestamp {
					out = append(out, r)
				}
			}
		}
	}
	return out, nil
}

func dump(msgs []slack.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "[%s thread=%s user=%s username=%q bot=%s text=%q reactions=%d files=%d] ", m.Timestamp, m.ThreadTimestamp, m.User, m.Username, m.BotID, m.Text, len(m.Reactions), len(m.Files))
	}
	return b.String()
}

func find(msgs []slack.Message, substr string) *slack.Message {
	for i := range msgs {
		if strings.Contains(msgs[i].Text, substr) {
			return &msgs[i]
		}
	}
	return nil
}

func TestSandboxRelaysBetweenCompanies(t *testing.T) {
	w := startWorld(t)
	acme, globex := w.ws("acme"), w.ws("globex")
	acmeCh, globexCh := w.linked(acme), w.linked(globex)
	alice, bob := w.person(acme, "alice"), w.person(globex, "bob")
	carolAcme, carolGlobex := w.person(acme, "carol"), w.person(globex, "carol")

	secrets := []string{alice.Token, bob.Token}
	marker := "zebra-" + randomHex(6)
	text := fmt.Sprintf("%s *bold* hello <@%s>", marker, carolAcme.ID)

	// A post crosses over with the author's name, formatting and a native
	// mention of the same person in the other company.
	_, ts, err := w.api(alice).PostMessage(acmeCh, slack.MsgOptionText(text, false))
	if err != nil {
		t.Fatal(err)
	}
	var copyTS string
	took := w.await(globex, globexCh, "post", func(msgs []slack.Message) bool {
		m := find(msgs, marker)
		if m == nil {
			return false
		}
		copyTS = m.Timestamp
		if !strings.Contains(m.Username, "alice") || !strings.Contains(m.Username, "acme") {
			t.Fatalf("copy does not show the author: username %q", m.Username)
		}
		if !strings.Contains(m.Text, "*bold*") || !strings.Contains(m.Text, "<@"+carolGlobex.ID+">") {
			t.Fatalf("formatting or mention not native: %q", m.Text)
		}
		return true
	})
	t.Logf("acme → globex in %s", took)
	if icon := w.rawIcon(globex, globexCh, copyTS); !strings.HasPrefix(icon, "https://") {
		t.Fatalf("copy does not show the author's avatar: icons.image_48 = %q", icon)
	}

	// A thread reply on the copy lands in the original's thread.
	reply := "reply-" + randomHex(6)
	if _, _, err := w.api(bob).PostMessage(globexCh, slack.MsgOptionText(reply, false), slack.MsgOptionTS(copyTS)); err != nil {
		t.Fatal(err)
	}
	w.await(acme, acmeCh, "thread reply", func(msgs []slack.Message) bool {
		m := find(msgs, reply)
		return m != nil && m.ThreadTimestamp == ts && strings.Contains(m.Username, "bob")
	})

	// An edit follows.
	edited := marker + " edited-" + randomHex(4)
	if _, _, _, err := w.api(alice).UpdateMessage(acmeCh, ts, slack.MsgOptionText(edited, false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, globexCh, "edit", func(msgs []slack.Message) bool { return find(msgs, edited) != nil })

	// A reaction on the copy appears on the original, and its removal too.
	if err := w.api(bob).AddReaction("tada", slack.ItemRef{Channel: globexCh, Timestamp: copyTS}); err != nil {
		t.Fatal(err)
	}
	hasReaction := func(want bool) func([]slack.Message) bool {
		return func(msgs []slack.Message) bool {
			m := find(msgs, edited)
			if m == nil {
				return false
			}
			got := false
			for _, r := range m.Reactions {
				got = got || r.Name == "tada"
			}
			return got == want
		}
	}
	w.await(acme, acmeCh, "reaction added", hasReaction(true))
	if err := w.api(bob).RemoveReaction("tada", slack.ItemRef{Channel: globexCh, Timestamp: copyTS}); err != nil {
		t.Fatal(err)
	}
	w.await(acme, acmeCh, "reaction removed", hasReaction(false))

	// A file arrives with identical bytes.
	content := make([]byte, 300<<10)
	_, _ = rand.Read(content)
	fileNote := "file-" + randomHex(6)
	fileName := "report-" + randomHex(6) + ".bin"
	if _, err := w.api(alice).UploadFileContext(context.Background(), slack.UploadFileParameters{
		Reader: bytes.NewReader(content), FileSize: len(content), Filename: fileName, Channel: acmeCh, InitialComment: fileNote,
	}); err != nil {
		t.Fatal(err)
	}
	var fileURL string
	w.await(globex, globexCh, "file", func(msgs []slack.Message) bool {
		m := find(msgs, fileNote)
		if m == nil || len(m.Files) == 0 {
			return false
		}
		if !strings.Contains(m.Text, "alice") {
			t.Fatalf("file post does not name its author: %q", m.Text)
		}
		fileURL = m.Files[0].URLPrivateDownload
		return true
	})
	var got bytes.Buffer
	if err := w.api(bob).GetFileContext(context.Background(), fileURL, &got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), content) {
		t.Fatalf("file differs: got %d bytes, want %d", got.Len(), len(content))
	}

	// A delete follows.
	if _, _, err := w.api(alice).DeleteMessage(acmeCh, ts); err != nil {
		t.Fatal(err)
	}
	w.await(globex, globexCh, "delete", func(msgs []slack.Message) bool { return find(msgs, edited) == nil })

	// And the other way round.
	back := "back-" + randomHex(6)
	if _, _, err := w.api(bob).PostMessage(globexCh, slack.MsgOptionText(back, false)); err != nil {
		t.Fatal(err)
	}
	w.await(acme, acmeCh, "globex → acme", func(msgs []slack.Message) bool {
		m := find(msgs, back)
		return m != nil && strings.Contains(m.Username, "bob") && strings.Contains(m.Username, "globex")
	})

	// Nothing Parley relayed came back as a duplicate (echo suppression).
	w.await(acme, acmeCh, "no echo", func(msgs []slack.Message) bool {
		n := 0
		for _, m := range msgs {
			if strings.Contains(m.Text, back) {
				n++
			}
		}
		return n == 1
	})

	// The admin plane: people's emails (role assignments are sealed and
	// blind-indexed), personal tokens (stored as keyed hashes), and what
	// admin actions carry — a role given by email, a token made, the
	// traffic log read.
	owner := w.adminToken("demo", "owner")
	newcomer := "newcomer-" + randomHex(4) + "@acme.example"
	if status, b := w.call("POST", "tenants/demo/roles", owner, map[string]string{"email": newcomer, "role": "viewer"}); status != 201 {
		t.Fatalf("assign role: %d %s", status, b)
	}
	var made struct{ Token string }
	_, b := w.call("POST", "tokens", owner, map[string]any{})
	_ = json.Unmarshal(b, &made)
	if made.Token == "" {
		t.Fatalf("token: %s", b)
	}
	w.call("GET", "tenants/demo/traffic", w.adminToken("demo", "auditor"), nil)
	// Stop the gateway, then search every byte it wrote for content and
	// credentials.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.sb.Close(ctx); err != nil {
		t.Fatal(err)
	}
	forbidden := map[string][]byte{
		"message text": []byte(marker),
		"reply text":   []byte(reply),
		"edited text":  []byte(edited),
		"file comment": []byte(fileNote),
		"file name":    []byte(fileName),
		"reverse text": []byte(back),
		"file content": content[1000:1064],
	}
	for i, s := range secrets {
		forbidden[fmt.Sprintf("user token %d", i)] = []byte(s)
	}
	forbidden["email given a role"] = []byte(newcomer)
	forbidden["personal token made"] = []byte(made.Token)
	for _, p := range w.m.Admin.People {
		forbidden["admin email "+p.Email] = []byte(p.Email)
		forbidden["personal token of "+p.Email] = []byte(p.Token)
	}
	// Every credential the gateway was given: bot and relay tokens of every
	// platform, signing and webhook secrets, the service-account key.
	secretFiles, err := os.ReadDir(filepath.Join(w.dir, "secrets"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range secretFiles {
		b := mustRead(t, filepath.Join(w.dir, "secrets", f.Name()))
		if len(b) > 256 { // a key file: a distinctive stretch of its key material
			b = b[len(b)/2 : len(b)/2+64]
		}
		forbidden["secret "+f.Name()] = b
	}
	for _, d := range w.pl.GChat.Domains {
		for _, u := range d.Users {
			forbidden["gchat user token "+u.Name] = []byte(u.Token)
		}
	}
	for _, o := range w.pl.Webex.Orgs {
		for _, u := range o.Users {
			forbidden["webex user token "+u.Name] = []byte(u.Token)
		}
	}
	scanned := 0
	err = filepath.WalkDir(filepath.Join(w.dir, "gateway"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanned++
		for what, needle := range forbidden {
			if bytes.Contains(b, needle) {
				t.Errorf("%s found in plaintext in %s", what, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 3 {
		t.Fatalf("only %d files in the gateway's data directory: the scan proves nothing", scanned)
	}
	logs := w.logs.Bytes()
	if len(logs) == 0 {
		t.Fatal("no logs captured: the scan proves nothing")
	}
	for what, needle := range forbidden {
		if bytes.Contains(logs, needle) {
			t.Errorf("%s found in the logs", what)
		}
	}
	// Upload and download URLs carry file names and pre-signed
	// credentials in their paths and queries: no URL in the logs shows
	// more than its host.
	if m := urlWithPath.Find(logs); m != nil {
		t.Errorf("a URL with its path or query is in the logs: %s", m)
	}
}

// rawIcon reads a message's icons.image_48 from the raw Web API answer
// (slack-go's Icon type does not carry it).
func (w *world) rawIcon(ws SlackWorkspace, ch, ts string) string {
	w.t.Helper()
	form := url.Values{"channel": {ch}, "latest": {ts}, "inclusive": {"true"}, "limit": {"1"}}
	req, _ := http.NewRequest(http.MethodPost, w.pl.Slack.APIURL+"conversations.history", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+ws.Users[0].Token)
	resp, err := w.client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Messages []struct {
			Icons map[string]string `json:"icons"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Messages) != 1 {
		w.t.Fatalf("conversations.history: %v (%d messages)", err, len(out.Messages))
	}
	return out.Messages[0].Icons["image_48"]
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 8 {
		t.Fatalf("%s: suspiciously short secret", path)
	}
	return b
}
