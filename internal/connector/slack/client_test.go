package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	slackconn "parley/internal/connector/slack"
	"parley/internal/core"
	"parley/internal/richtext"
	"parley/internal/secret"
)

func text(s string) connector.Message {
	return connector.Message{Body: richtext.Doc{Nodes: []richtext.Node{{Kind: richtext.Text, Text: s}}}}
}

// control calls the emulator's control API.
func (e *env) control(t *testing.T, method, path string, body any) []byte {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	// Not t.Context: cleanups call this after it is cancelled.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, e.emuSrv.URL+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.emuSrv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("control %s %s: %d %s", method, path, resp.StatusCode, out.String())
	}
	return out.Bytes()
}

func TestInstall(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		in   connector.Installation
		want error
	}{
		{"revoked or wrong token", connector.Installation{Token: secret.New("xoxb-0-not-a-token")}, connector.ErrAuth},
		{"no token", connector.Installation{}, connector.ErrAuth},
		{"user token", connector.Installation{Token: secret.New(e.person.Token)}, connector.ErrAuth},
		{"token of another workspace", connector.Installation{Workspace: "T0OTHERTEAM", Token: secret.New(e.install.BotToken)}, connector.ErrPermanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.conn.Install(t.Context(), tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Install = %v, want %v", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "xox") {
				t.Fatal("the error shows a token")
			}
		})
	}
}

func TestClientErrors(t *testing.T) {
	e := newEnv(t)
	cl := e.client
	ch := core.ChannelID(e.channel.ID)
	ctx := t.Context()
	closed := e.emu.AddChannel(e.team.ID, "no-bot-here", e.person.ID)
	p := e.harness(&textLog{}).Person
	theirs, err := p.Post(ctx, "a person's message")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		fault     map[string]any
		call      func() error
		want      error
		retryWait time.Duration
	}{
		{"post where the bot is not a member", nil, func() error {
			_, err := cl.Send(ctx, core.ChannelID(closed.ID), text("x"))
			return err
		}, connector.ErrPermanent, 0},
		{"edit someone else's message", nil, func() error {
			return cl.(connector.Editor).Edit(ctx, ch, theirs, text("x"))
		}, connector.ErrPermanent, 0},
		{"delete a message that does not exist", nil, func() error {
			return cl.(connector.Deleter).Delete(ctx, ch, "1000000000.000001")
		}, connector.ErrNotFound, 0},
		{"unknown user", nil, func() error {
			_, err := cl.(connector.Directory).User(ctx, "U0NOBODY000")
			return err
		}, connector.ErrNotFound, 0},
		{"rate limited", map[string]any{"workspace": e.team.ID, "status": 429, "retry_after": 7, "count": 1}, func() error {
			_, err := cl.Send(ctx, ch, text("x"))
			return err
		}, nil, 7 * time.Second},
		{"slack unavailable", map[string]any{"workspace": e.team.ID, "status": 503, "count": 1}, func() error {
			_, err := cl.Send(ctx, ch, text("x"))
			return err
		}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				e.control(t, http.MethodPost, "/_emulator/faults", tt.fault)
				t.Cleanup(func() { e.control(t, http.MethodDelete, "/_emulator/faults", nil) })
			}
			err := tt.call()
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range []error{connector.ErrAuth, connector.ErrPermanent, connector.ErrNotFound} {
				if errors.Is(err, s) != (s == tt.want) {
					t.Fatalf("error %v: errors.Is(%v) = %v", err, s, errors.Is(err, s))
				}
			}
			var rl *connector.RateLimitError
			if errors.As(err, &rl) != (tt.retryWait > 0) || (rl != nil && rl.RetryAfter != tt.retryWait) {
				t.Fatalf("error %v: want retry after %v", err, tt.retryWait)
			}
		})
	}
}

// TestFetchFileKeepsTokenHome offers FetchFile URLs on other hosts: none
// may receive a request, let alone the token.
func TestFetchFileKeepsTokenHome(t *testing.T) {
	e := newEnv(t)
	var hits atomic.Int32
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte("stolen"))
	}))
	t.Cleanup(other.Close)

	ff := e.client.(connector.FileFetcher)
	for _, u := range []string{
		other.URL + "/files/F1/download",
		strings.Replace(e.emuSrv.URL, "https://", "http://", 1) + "/files/F1",
		"https://files.slack.com/files-pri/T1-F1/download/x", // not a file host of this (emulated) Slack
		"file:///etc/passwd",
		"://bad",
	} {
		t.Run(u, func(t *testing.T) {
			rc, err := ff.FetchFile(t.Context(), core.FileRef{ID: "F1", URL: u})
			if err == nil {
				rc.Close()
				t.Fatal("FetchFile accepted the URL")
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the other host got %d requests", n)
	}
}

func TestSendFileSizeMismatch(t *testing.T) {
	e := newEnv(t)
	fs := e.client.(connector.FileSender)
	ch := core.ChannelID(e.channel.ID)
	data := bytes.Repeat([]byte("x"), 4096)
	tests := []struct {
		name string
		size int64
		want error
	}{
		{"unknown size", 0, connector.ErrPermanent},
		{"body longer than size", 1000, connector.ErrPermanent},
		{"body shorter than size", 8192, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fs.SendFile(t.Context(), ch, "", text("f"), connector.File{Name: "f.bin", Size: tt.size, Body: bytes.NewReader(data)})
			if err == nil {
				t.Fatal("SendFile succeeded with a wrong size")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("SendFile = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestDirectoryCaches checks that repeated lookups are answered from
// memory: the first users.info also answers lookups by the same email, in
// any case.
func TestDirectoryCaches(t *testing.T) {
	e := newEnv(t)
	dir := e.client.(connector.Directory)
	for range 3 {
		if _, err := dir.User(t.Context(), core.UserID(e.person.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := dir.UserByEmail(t.Context(), strings.ToUpper(e.person.Email)); err != nil {
			t.Fatal(err)
		}
	}
	var calls []struct {
		Method string `json:"method"`
	}
	body := e.control(t, http.MethodGet, "/_emulator/requests?workspace="+e.team.ID, nil)
	var wrapped struct {
		Requests json.RawMessage `json:"requests"`
	}
	if err := json.Unmarshal(body, &wrapped); err == nil && len(wrapped.Requests) > 0 {
		body = wrapped.Requests
	}
	if err := json.Unmarshal(body, &calls); err != nil {
		t.Fatalf("request log: %v: %s", err, body)
	}
	n := 0
	for _, c := range calls {
		if c.Method == "users.info" || c.Method == "users.lookupByEmail" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d directory calls reached Slack, want 1", n)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  slackconn.Config
		ok   bool
	}{
		{"minimal", slackconn.Config{SigningSecret: secret.New("s")}, true},
		{"emulator", slackconn.Config{SigningSecret: secret.New("s"), APIURL: "https://127.0.0.1:8443/api/"}, true},
		{"no secret", slackconn.Config{}, false},
		{"plain http", slackconn.Config{SigningSecret: secret.New("s"), APIURL: "http://slack.com/api/"}, false},
		{"relative url", slackconn.Config{SigningSecret: secret.New("s"), APIURL: "/api/"}, false},
		{"file host with path", slackconn.Config{SigningSecret: secret.New("s"), FileHosts: []string{"files.example/x"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// TestSendFileWaitsForTheShare: Slack posts a file after
// files.completeUploadExternal answers, so SendFile must learn the
// message's ts from files.info, and post the file exactly once.
func TestSendFileWaitsForTheShare(t *testing.T) {
	e := newEnv(t)
	fs := e.client.(connector.FileSender)
	data := []byte("quarterly numbers")
	ts, err := fs.SendFile(t.Context(), core.ChannelID(e.channel.ID), "", text("report"),
		connector.File{Name: "r.txt", Size: int64(len(data)), Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatalf("SendFile: %v", err)
	}
	h, err := e.userAPI(e.person.Token).GetConversationHistoryContext(t.Context(), &slack.GetConversationHistoryParameters{ChannelID: e.channel.ID})
	if err != nil {
		t.Fatal(err)
	}
	var shared []string
	for _, m := range h.Messages {
		if len(m.Files) > 0 {
			shared = append(shared, m.Timestamp)
		}
	}
	if len(shared) != 1 || shared[0] != string(ts) {
		t.Fatalf("messages with files %v, SendFile returned %s; want exactly that one", shared, ts)
	}

	res, err := e.emuSrv.Client().Get(e.emuSrv.URL + "/_emulator/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var log struct{ Requests []struct{ Method string } }
	if err := json.NewDecoder(res.Body).Decode(&log); err != nil {
		t.Fatal(err)
	}
	completes, infos := 0, 0
	for _, c := range log.Requests {
		switch c.Method {
		case "files.completeUploadExternal":
			completes++
		case "files.info":
			if completes > 0 {
				infos++
			}
		}
	}
	if completes != 1 || infos == 0 {
		t.Fatalf("%d completeUploadExternal, %d files.info after it; want 1 and the wait for the share", completes, infos)
	}
}

// TestReactMapsToSlackNames: Slack takes only names from its emoji
// catalogue; what other platforms send (characters, names Slack lacks)
// becomes a name Slack accepts, and Unreact takes the same one away.
func TestReactMapsToSlackNames(t *testing.T) {
	e := newEnv(t)
	r := e.client.(connector.Reactor)
	ch := core.ChannelID(e.channel.ID)
	person := e.userAPI(e.person.Token)
	_, ts, err := person.PostMessageContext(t.Context(), e.channel.ID, slack.MsgOptionText("react here", false))
	if err != nil {
		t.Fatal(err)
	}
	reactions := func() []string {
		got, err := person.GetReactionsContext(t.Context(), slack.NewRefToMessage(e.channel.ID, ts), slack.NewGetReactionsParameters())
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, it := range got.Reactions {
			names = append(names, it.Name)
		}
		return names
	}
	tests := []struct {
		name, emoji, want string
	}{
		{"short name", "tada", "tada"},
		{"with colons", ":eyes:", "eyes"},
		{"character", "🦄", "unicorn_face"},
		{"character with skin tone", "👋🏽", "wave::skin-tone-4"},
		{"name slack lacks", "partyparrot", "speech_balloon"},
		{"no emoji at all", "☃☃", "speech_balloon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := r.React(t.Context(), ch, core.MessageID(ts), tt.emoji); err != nil {
				t.Fatalf("React(%q): %v", tt.emoji, err)
			}
			if got := reactions(); !slices.Equal(got, []string{tt.want}) {
				t.Fatalf("reactions after React(%q) = %v, want [%s]", tt.emoji, got, tt.want)
			}
			if err := r.Unreact(t.Context(), ch, core.MessageID(ts), tt.emoji); err != nil {
				t.Fatalf("Unreact(%q): %v", tt.emoji, err)
			}
			if got := reactions(); len(got) != 0 {
				t.Fatalf("reactions after Unreact(%q) = %v", tt.emoji, got)
			}
		})
	}
}
