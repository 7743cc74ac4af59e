package slack

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// installURL is the authorize URL a gateway's "Connect Slack" button opens.
func (s *signinEnv) installURL(state, challenge string, botScopes, userScopes string) string {
	q := url.Values{"client_id": {"111.222"}, "scope": {botScopes}, "user_scope": {userScopes},
		"redirect_uri": {callbackURL}, "state": {state}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	return s.srv.URL + "/oauth/v2/authorize?" + q.Encode()
}

func (s *signinEnv) access(t *testing.T, form url.Values) map[string]any {
	t.Helper()
	base := url.Values{"client_id": {"111.222"}, "client_secret": {"shh"}}
	for k, v := range form {
		base[k] = v
	}
	return s.tokenCall(t, "oauth.v2.access", base)
}

func TestOAuthV2InstallWithRotation(t *testing.T) {
	s := newSigninEnv(t, time.Now(), true)
	verifier := oauth2.GenerateVerifier()
	q := s.login(t, s.installURL("inst", oauth2.S256ChallengeFromVerifier(verifier), "chat:write,channels:history", "chat:write"), "bob@acme.example")
	if q.Get("state") != "inst" {
		t.Fatalf("state = %q", q.Get("state"))
	}
	out := s.access(t, url.Values{"code": {q.Get("code")}, "redirect_uri": {callbackURL}, "code_verifier": {verifier}})
	bot, _ := out["access_token"].(string)
	authed, _ := out["authed_user"].(map[string]any)
	user, _ := authed["access_token"].(string)
	if out["ok"] != true || !strings.HasPrefix(bot, "xoxe.xoxb-1-") || !strings.HasPrefix(user, "xoxe.xoxp-1-") ||
		out["expires_in"] != float64(43200) || !strings.HasPrefix(out["refresh_token"].(string), "xoxe-1-") ||
		authed["id"] != s.bob.ID || authed["token_type"] != "user" || authed["scope"] != "chat:write" ||
		!strings.HasPrefix(authed["refresh_token"].(string), "xoxe-1-") {
		t.Fatalf("oauth.v2.access = %v", out)
	}
	// The user token acts as Bob.
	if at, err := s.client(user).AuthTestContext(s.ctx); err != nil || at.UserID != s.bob.ID {
		t.Fatalf("user token auth.test = %+v, %v", at, err)
	}
	if out := s.access(t, url.Values{"code": {q.Get("code")}, "redirect_uri": {callbackURL}, "code_verifier": {verifier}}); out["error"] != "code_already_used" {
		t.Fatalf("reuse = %v", out)
	}

	// Twelve hours later the access token has expired; the refresh token
	// mints a new pair and is then spent.
	s.clk.advance(12*time.Hour + time.Second)
	if _, err := s.client(bot).AuthTestContext(s.ctx); err == nil || err.Error() != "token_expired" {
		t.Fatalf("expired bot token: %v", err)
	}
	rt := out["refresh_token"].(string)
	ref := s.access(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	bot2, _ := ref["access_token"].(string)
	if ref["ok"] != true || ref["token_type"] != "bot" || bot2 == bot || ref["refresh_token"] == rt || ref["expires_in"] != float64(43200) {
		t.Fatalf("refresh = %v", ref)
	}
	if at, err := s.client(bot2).AuthTestContext(s.ctx); err != nil || at.BotID == "" {
		t.Fatalf("refreshed bot token: %+v, %v", at, err)
	}
	if again := s.access(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}); again["error"] != "invalid_refresh_token" {
		t.Fatalf("spent refresh token = %v", again)
	}
	if bad := s.access(t, url.Values{"grant_type": {"password"}}); bad["error"] != "invalid_grant_type" {
		t.Fatalf("bad grant = %v", bad)
	}
}

func TestOAuthV2InstallRefusals(t *testing.T) {
	s := newSigninEnv(t, time.Now(), false)
	verifier := oauth2.GenerateVerifier()
	code := func(t *testing.T) string {
		return s.login(t, s.installURL("x", oauth2.S256ChallengeFromVerifier(verifier), "chat:write", ""), "alice@acme.example").Get("code")
	}
	for name, tc := range map[string]struct {
		form url.Values
		want string
	}{
		"other redirect": {url.Values{"redirect_uri": {"https://gateway.example/other"}, "code_verifier": {verifier}}, "bad_redirect_uri"},
		"wrong verifier": {url.Values{"redirect_uri": {callbackURL}, "code_verifier": {oauth2.GenerateVerifier()}}, "invalid_code_verifier"},
		"unknown client": {url.Values{"client_id": {"1.1"}, "redirect_uri": {callbackURL}, "code_verifier": {verifier}}, "invalid_client_id"},
		"sign-in code":   {nil, "invalid_code"},
		"made-up code":   {url.Values{"redirect_uri": {callbackURL}}, "invalid_code"},
	} {
		t.Run(name, func(t *testing.T) {
			form := url.Values{"code": {code(t)}}
			switch name {
			case "sign-in code":
				q := s.login(t, s.conf.AuthCodeURL("s"), "alice@acme.example")
				form = url.Values{"code": {q.Get("code")}, "redirect_uri": {callbackURL}}
			case "made-up code":
				form.Set("code", "1.2.3")
			}
			for k, v := range tc.form {
				form[k] = v
			}
			if out := s.access(t, form); out["error"] != tc.want {
				t.Fatalf("got %v, want %s", out, tc.want)
			}
		})
	}
	t.Run("non-rotating tokens do not expire", func(t *testing.T) {
		out := s.access(t, url.Values{"code": {code(t)}, "redirect_uri": {callbackURL}, "code_verifier": {verifier}})
		if out["refresh_token"] != nil || out["expires_in"] != nil || !strings.HasPrefix(out["access_token"].(string), "xoxb-") {
			t.Fatalf("got %v", out)
		}
		s.clk.advance(30 * 24 * time.Hour)
		if _, err := s.client(out["access_token"].(string)).AuthTestContext(s.ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("bad scope goes back to the app", func(t *testing.T) {
		cb, err := Approve(s.ctx, s.srv.Client(), s.installURL("z", "", "chat:write,<script>", ""), "alice@acme.example")
		if err != nil || cb.Query().Get("error") != "invalid_scope" || cb.Query().Get("state") != "z" {
			t.Fatalf("got %v, %v", cb, err)
		}
	})
}

func TestRevocationTellsTheApp(t *testing.T) {
	s := newSigninEnv(t, time.Now(), false)
	q := s.login(t, s.installURL("r", "", "", "chat:write"), "alice@acme.example")
	out := s.access(t, url.Values{"code": {q.Get("code")}, "redirect_uri": {callbackURL}})
	user := out["authed_user"].(map[string]any)["access_token"].(string)
	if out["access_token"] != nil {
		t.Fatalf("user-only consent returned a bot token: %v", out)
	}

	if _, err := s.client(user).SendAuthRevokeContext(s.ctx, ""); err != nil {
		t.Fatalf("auth.revoke: %v", err)
	}
	if _, err := s.client(user).AuthTestContext(s.ctx); err == nil || err.Error() != "token_revoked" {
		t.Fatalf("revoked token still works: %v", err)
	}
	ev := s.rc.waitEvent(ofType("tokens_revoked", ""))
	oauth := ev.inner["tokens"].(map[string]any)["oauth"].([]any)
	if len(oauth) != 1 || oauth[0] != s.alice.ID {
		t.Fatalf("tokens_revoked = %v", ev.inner)
	}

	// An admin removing the app revokes the bot token too: the app hears
	// tokens_revoked for the bot user and app_uninstalled.
	s.emu.Uninstall(s.app.ID, s.ws.ID)
	ev = s.rc.waitEvent(func(m map[string]any) bool {
		toks, _ := m["tokens"].(map[string]any)
		bots, _ := toks["bot"].([]any)
		return m["type"] == "tokens_revoked" && len(bots) == 1 && bots[0] == s.inst.BotUserID
	})
	s.rc.waitEvent(ofType("app_uninstalled", ""))
	if ev.event.TeamID != s.ws.ID || ev.event.APIAppID != s.app.ID {
		t.Fatalf("envelope = %+v", ev.event)
	}
	if _, err := s.client(s.inst.BotToken).AuthTestContext(s.ctx); err == nil || err.Error() != "token_revoked" {
		t.Fatalf("bot token after uninstall: %v", err)
	}
}
