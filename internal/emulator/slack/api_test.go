package slack

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
)

func TestRequestDecoding(t *testing.T) {
	e := newEnv(t, Options{})
	bearerBot := map[string]string{"Authorization": "Bearer " + e.inst.BotToken}
	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
		header      map[string]string
		wantStatus  int
		wantErr     string
	}{
		{"form token", "auth.test", "application/x-www-form-urlencoded", "token=" + e.inst.BotToken, nil, 200, ""},
		{"json with header", "auth.test", "application/json; charset=utf-8", `{}`, bearerBot, 200, ""},
		{"json token in body only", "auth.test", "application/json", `{"token":"` + e.inst.BotToken + `"}`, nil, 200, "not_authed"},
		{"no token", "auth.test", "", "", nil, 200, "not_authed"},
		{"bad token", "auth.test", "", "", map[string]string{"Authorization": "Bearer xoxb-1-2-3"}, 200, "invalid_auth"},
		{"malformed json", "chat.postMessage", "application/json", `{"channel":`, bearerBot, 200, "invalid_json"},
		{"json not an object", "chat.postMessage", "application/json", `[1,2]`, bearerBot, 200, "invalid_json"},
		{"bad form", "chat.postMessage", "application/x-www-form-urlencoded", "a=%zz", bearerBot, 200, "invalid_form_data"},
		{"bad blocks", "chat.postMessage", "application/json", `{"channel":"` + e.ch.ID + `","blocks":{"x":1}}`, bearerBot, 200, "invalid_blocks"},
		{"unknown method", "chat.frobnicate", "", "", bearerBot, 200, "unknown_method"},
		{"too large", "chat.postMessage", "application/json", `{"text":"` + strings.Repeat("x", maxAPIBody) + `"}`, bearerBot, 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, header, out := e.raw(t, tt.method, tt.contentType, tt.body, tt.header)
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d", status, tt.wantStatus)
			}
			if status != 200 {
				return
			}
			if tt.wantErr == "" && out["ok"] != true {
				t.Fatalf("answer %v", out)
			}
			if tt.wantErr != "" && (out["ok"] != false || out["error"] != tt.wantErr) {
				t.Fatalf("answer %v, want error %s", out, tt.wantErr)
			}
			if out["ok"] == true && header.Get("X-OAuth-Scopes") == "" {
				t.Errorf("no X-OAuth-Scopes header")
			}
		})
	}
	_, header, _ := e.raw(t, "chat.postMessage", "application/json", `{"channel":"`+e.ch.ID+`","text":"x"}`, bearerBot)
	if header.Get("X-Accepted-OAuth-Scopes") != "chat:write" || !strings.Contains(header.Get("X-OAuth-Scopes"), "chat:write") {
		t.Errorf("scope headers = %v", header)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	bot := e.client(e.inst.BotToken)
	var limited *slackapi.RateLimitedError
	sent := 0
	for sent = 0; sent < 100; sent++ {
		_, _, err := bot.PostMessageContext(ctx, e.ch.ID, slackapi.MsgOptionText("flood", false))
		if errors.As(err, &limited) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if limited == nil || limited.RetryAfter < time.Second {
		t.Fatalf("no 429 after %d posts (err %v)", sent, limited)
	}
	if sent < 30 {
		t.Fatalf("limited after only %d posts; the burst should be 30", sent)
	}
	// Another channel has its own budget.
	other := e.emu.AddChannel(e.ws.ID, "other", e.inst.BotUserID)
	if _, _, err := bot.PostMessageContext(ctx, other.ID, slackapi.MsgOptionText("ok", false)); err != nil {
		t.Fatalf("post to another channel: %v", err)
	}
	var found bool
	_, out := e.control(t, http.MethodGet, "requests?workspace="+e.ws.ID, "")
	for _, r := range out["requests"].([]any) {
		entry := r.(map[string]any)
		if entry["status"] == float64(429) && entry["retry_after"].(float64) >= 1 && entry["method"] == "chat.postMessage" && entry["token_kind"] == "bot" {
			found = true
		}
	}
	if !found {
		t.Fatalf("request log lacks the 429")
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	alice := e.client(e.alice.Token)
	other := e.emu.AddWorkspace("Other")
	carol := e.emu.AddUser(other.ID, "carol", "carol@other.example")

	if status, _ := e.control(t, http.MethodPost, "faults", `{"workspace":"`+e.ws.ID+`","status":503,"count":2}`); status != 200 {
		t.Fatalf("add fault: %d", status)
	}
	for i := range 2 {
		_, err := alice.AuthTestContext(ctx)
		var sc slackapi.StatusCodeError
		if !errors.As(err, &sc) || sc.Code != 503 {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if _, err := e.client(carol.Token).AuthTestContext(ctx); err != nil {
		t.Fatalf("other workspace affected: %v", err)
	}
	if _, err := alice.AuthTestContext(ctx); err != nil {
		t.Fatalf("third call still failing: %v", err)
	}

	e.control(t, http.MethodPost, "faults", `{"workspace":"`+e.ws.ID+`","status":429,"retry_after":7,"seconds":60}`)
	for range 3 {
		_, err := alice.AuthTestContext(ctx)
		var rl *slackapi.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
			t.Fatalf("429 fault: %v", err)
		}
	}
	e.control(t, http.MethodDelete, "faults", "")
	if _, err := alice.AuthTestContext(ctx); err != nil {
		t.Fatalf("after DELETE: %v", err)
	}

	e.control(t, http.MethodPost, "faults", `{"workspace":"`+e.ws.ID+`","latency_ms":150,"count":1}`)
	start := time.Now()
	if _, err := alice.AuthTestContext(ctx); err != nil || time.Since(start) < 150*time.Millisecond {
		t.Fatalf("latency fault: %v after %v", err, time.Since(start))
	}

	for _, bad := range []string{`{"status":200}`, `{"status":503,"bogus":1}`, `{}`, `not json`} {
		if status, _ := e.control(t, http.MethodPost, "faults", bad); status != http.StatusBadRequest {
			t.Errorf("fault %s accepted: %d", bad, status)
		}
	}
}

func TestOAuthV2Access(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	app := e.emu.AddApp(AppSpec{Name: "Installer", ClientID: "9.9", ClientSecret: "s3cret", BotScopes: []string{"chat:write", "users:read"}})
	status, out := e.control(t, http.MethodPost, "oauth/code", `{"app_id":"`+app.ID+`","team":"`+e.ws.ID+`","user":"`+e.alice.ID+`"}`)
	if status != 200 {
		t.Fatalf("mint code: %d %v", status, out)
	}
	code := out["code"].(string)
	opt := slackapi.OAuthOptionAPIURL(e.srv.URL + "/api/")

	if _, err := slackapi.GetOAuthV2ResponseContext(ctx, e.srv.Client(), "9.9", "wrong", code, "", opt); err == nil || err.Error() != "bad_client_secret" {
		t.Fatalf("wrong secret: %v", err)
	}
	r, err := slackapi.GetOAuthV2ResponseContext(ctx, e.srv.Client(), "9.9", "s3cret", code, "", opt)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if r.AppID != app.ID || r.TokenType != "bot" || !strings.HasPrefix(r.AccessToken, "xoxb-") || r.Team.ID != e.ws.ID ||
		r.AuthedUser.ID != e.alice.ID || r.Scope != "chat:write,users:read" || r.BotUserID == "" {
		t.Fatalf("response = %+v", r)
	}
	at, err := e.client(r.AccessToken).AuthTestContext(ctx)
	if err != nil || at.UserID != r.BotUserID {
		t.Fatalf("new token auth.test = %+v, %v", at, err)
	}
	if _, err := slackapi.GetOAuthV2ResponseContext(ctx, e.srv.Client(), "9.9", "s3cret", code, "", opt); err == nil || err.Error() != "code_already_used" {
		t.Fatalf("code reuse: %v", err)
	}
}

// TestNoContentInLogs proves that message text and tokens never reach the
// emulator's logs, even at debug level and on failing deliveries.
func TestNoContentInLogs(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnv(t, Options{Logger: logger})
	e.rc.mu.Lock()
	e.rc.respond = func(w http.ResponseWriter, _ received, _ int) bool {
		w.WriteHeader(http.StatusInternalServerError)
		return true
	}
	e.rc.mu.Unlock()
	secretText := "the-launch-code-is-0000"
	if _, _, err := e.client(e.alice.Token).PostMessageContext(context.Background(), e.ch.ID, slackapi.MsgOptionText(secretText, false)); err != nil {
		t.Fatal(err)
	}
	checkFor(t, 5*time.Second, func() bool { return len(e.rc.all()) >= 4 })
	e.emu.Close()
	logs := buf.String()
	if !strings.Contains(logs, "event delivery") {
		t.Fatalf("expected delivery failures to be logged, got %q", logs)
	}
	for _, s := range []string{secretText, e.alice.Token, e.inst.BotToken, testSigningSecret} {
		if strings.Contains(logs, s) {
			t.Fatalf("log contains content or a secret")
		}
	}
}

// FuzzAPIRequest feeds arbitrary bodies and content types to the Web API:
// no input may panic or produce a 5xx.
func FuzzAPIRequest(f *testing.F) {
	// The clock jumps a minute per reading so rate limits never hide the
	// code under test behind 429s.
	var tick atomic.Int64
	base := time.Unix(1700000000, 0)
	emu := New(Options{HTTPClient: &http.Client{Timeout: time.Millisecond},
		Now: func() time.Time { return base.Add(time.Duration(tick.Add(1)) * time.Minute) }})
	defer emu.Close()
	ws := emu.AddWorkspace("fuzz")
	u := emu.AddUser(ws.ID, "fuzzer", "f@fuzz.example")
	ch := emu.AddChannel(ws.ID, "general", u.ID)
	h := emu.Handler()
	methodNames := []string{"chat.postMessage", "chat.update", "conversations.history", "conversations.replies",
		"reactions.add", "files.completeUploadExternal", "users.lookupByEmail", "oauth.v2.access", "nope"}
	f.Add(uint8(0), "application/json", `{"channel":"`+ch.ID+`","text":"hi","blocks":[{"type":"divider"}]}`)
	f.Add(uint8(0), "application/x-www-form-urlencoded", "channel="+ch.ID+"&text=hi&thread_ts=1.2")
	f.Add(uint8(2), "application/json", `{"channel":"`+ch.ID+`","cursor":"bmV4dF90czox","oldest":"1e9"}`)
	f.Add(uint8(5), "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"files\"\r\n\r\n[{\"id\":1}]\r\n--x--\r\n")
	f.Add(uint8(4), "application/json", `{"channel":"#general","timestamp":"1.1","name":"+1"}`)
	f.Fuzz(func(t *testing.T, m uint8, contentType, body string) {
		name := methodNames[int(m)%len(methodNames)]
		req := httptest.NewRequest(http.MethodPost, "/api/"+name, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Authorization", "Bearer "+u.Token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s answered %d", name, rec.Code)
		}
	})
}
