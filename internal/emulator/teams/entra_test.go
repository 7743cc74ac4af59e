package teams

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"parley/internal/emulator/idp"
	"parley/internal/emulator/ids"
)

const entraCallback = "https://gateway.example/auth/teams/callback"

// signin is a relying party as a gateway builds one against Entra.
type signin struct {
	*env
	ctx      context.Context
	app      App
	provider *oidc.Provider
	conf     oauth2.Config
}

func newSignin(t *testing.T, scopes ...string) *signin {
	t.Helper()
	v := newEnv(t)
	app := v.e.RegisterApp(AppSpec{ClientSecret: "app-secret", Name: "Parley console", HomeTenant: v.tenant.ID,
		MultiTenant: true, RedirectURIs: []string{entraCallback}})
	ctx := oidc.ClientContext(context.Background(), v.client)
	provider, err := oidc.NewProvider(ctx, v.e.IssuerURL(v.tenant.ID))
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	if scopes == nil {
		scopes = []string{oidc.ScopeOpenID, "profile", "email", oidc.ScopeOfflineAccess, "https://graph.microsoft.com/User.Read"}
	}
	return &signin{env: v, ctx: ctx, app: app, provider: provider, conf: oauth2.Config{
		ClientID: app.ClientID, ClientSecret: "app-secret", Endpoint: provider.Endpoint(),
		RedirectURL: entraCallback, Scopes: scopes,
	}}
}

// login signs in as upn with PKCE and a nonce and exchanges the code.
func (s *signin) login(t *testing.T, conf oauth2.Config, upn string) *oauth2.Token {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	cb, err := Approve(s.ctx, s.client, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier), oidc.Nonce("nn")), upn)
	if err != nil {
		t.Fatalf("Approve: %v", err)
	}
	if cb.Query().Get("state") != "st" {
		t.Fatalf("callback = %v", cb)
	}
	tok, err := conf.Exchange(s.ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tok
}

func (s *signin) graphGet(t *testing.T, token, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(s.ctx, http.MethodGet, s.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, b.String()
}

func retrieveError(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode + " " + re.ErrorDescription
	}
	return ""
}

func TestEntraSignIn(t *testing.T) {
	s := newSignin(t)
	tok := s.login(t, s.conf, "alice@contoso.example")
	idt, err := s.provider.Verifier(&oidc.Config{ClientID: s.app.ClientID}).Verify(s.ctx, tok.Extra("id_token").(string))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	var c struct {
		TID, OID, PreferredUsername, Email, Name, Ver string
	}
	var raw map[string]any
	_ = idt.Claims(&raw)
	c.TID, _ = raw["tid"].(string)
	c.OID, _ = raw["oid"].(string)
	c.PreferredUsername, _ = raw["preferred_username"].(string)
	c.Email, _ = raw["email"].(string)
	c.Ver, _ = raw["ver"].(string)
	if c.TID != s.tenant.ID || c.OID != s.alice.ID || c.PreferredUsername != "alice@contoso.example" ||
		c.Email != "alice@contoso.example" || c.Ver != "2.0" || idt.Nonce != "nn" || idt.Issuer != s.e.IssuerURL(s.tenant.ID) || idt.Subject == s.alice.ID {
		t.Fatalf("claims = %v", raw)
	}
	if status, body := s.graphGet(t, tok.AccessToken, "/v1.0/me"); status != 200 || !strings.Contains(body, s.alice.ID) {
		t.Fatalf("/me = %d %s", status, body)
	}
	info, err := s.provider.UserInfo(s.ctx, oauth2.StaticTokenSource(tok))
	if err != nil || info.Email != "alice@contoso.example" {
		t.Fatalf("userinfo = %+v, %v", info, err)
	}

	// The access token expires after an hour; the refresh token gets a new one.
	s.clock.Advance(61 * time.Minute)
	if status, body := s.graphGet(t, tok.AccessToken, "/v1.0/me"); status != 401 || !strings.Contains(body, "Lifetime validation failed") {
		t.Fatalf("expired token: %d %s", status, body)
	}
	tok.Expiry = time.Now().Add(-time.Minute) // make x/oauth2 refresh now
	fresh, err := s.conf.TokenSource(s.ctx, tok).Token()
	if err != nil || fresh.AccessToken == tok.AccessToken {
		t.Fatalf("refresh: %v", err)
	}
	if status, _ := s.graphGet(t, fresh.AccessToken, "/v1.0/me"); status != 200 {
		t.Fatalf("refreshed token: %d", status)
	}

	// Revoking the person's sessions ends both at once.
	req, _ := http.NewRequestWithContext(s.ctx, http.MethodPost, s.srv.URL+"/v1.0/me/revokeSignInSessions", nil)
	req.Header.Set("Authorization", "Bearer "+fresh.AccessToken)
	if res, err := s.client.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("revokeSignInSessions: %v %v", res, err)
	}
	s.clock.Advance(time.Second)
	if status, body := s.graphGet(t, fresh.AccessToken, "/v1.0/me"); status != 401 || !strings.Contains(body, "TokenIssuedBeforeRevocationTimestamp") {
		t.Fatalf("revoked token: %d %s", status, body)
	}
	fresh.Expiry = time.Now().Add(-time.Minute)
	if _, err := s.conf.TokenSource(s.ctx, fresh).Token(); !strings.Contains(retrieveError(err), "AADSTS50173") {
		t.Fatalf("refresh after revocation: %v", err)
	}
	// A person's setup token, not issued by sign-in, is unaffected.
	if status, _ := s.graphGet(t, s.alice.Token, "/v1.0/me"); status != 200 {
		t.Fatalf("setup token: %d", status)
	}
}

func TestEntraRefusals(t *testing.T) {
	s := newSignin(t)
	verify := func(raw, aud string, now func() time.Time) error {
		if now == nil {
			now = s.clock.Now // the relying party's clock agrees with Entra's
		}
		_, err := s.provider.Verifier(&oidc.Config{ClientID: aud, Now: now}).Verify(s.ctx, raw)
		return err
	}
	code := func(t *testing.T, verifier string) string {
		cb, err := Approve(s.ctx, s.client, s.conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)), "bob@contoso.example")
		if err != nil {
			t.Fatal(err)
		}
		return cb.Query().Get("code")
	}
	t.Run("reused code", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		c := code(t, v)
		if _, err := s.conf.Exchange(s.ctx, c, oauth2.VerifierOption(v)); err != nil {
			t.Fatal(err)
		}
		_, err := s.conf.Exchange(s.ctx, c, oauth2.VerifierOption(v))
		if got := retrieveError(err); !strings.HasPrefix(got, "invalid_grant AADSTS54005") {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("wrong verifier", func(t *testing.T) {
		_, err := s.conf.Exchange(s.ctx, code(t, oauth2.GenerateVerifier()), oauth2.VerifierOption(oauth2.GenerateVerifier()))
		if got := retrieveError(err); !strings.HasPrefix(got, "invalid_grant AADSTS501481") {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("expired code", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		c := code(t, v)
		s.clock.Advance(11 * time.Minute)
		_, err := s.conf.Exchange(s.ctx, c, oauth2.VerifierOption(v))
		if got := retrieveError(err); !strings.HasPrefix(got, "invalid_grant AADSTS70008") {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("other redirect at token", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		c := code(t, v)
		other := s.conf
		other.RedirectURL = "https://gateway.example/other"
		_, err := other.Exchange(s.ctx, c, oauth2.VerifierOption(v))
		if got := retrieveError(err); !strings.HasPrefix(got, "invalid_grant AADSTS500112") {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("unregistered redirect is an error page", func(t *testing.T) {
		other := s.conf
		other.RedirectURL = "https://evil.example/cb"
		_, err := Approve(s.ctx, s.client, other.AuthCodeURL("st"), "bob@contoso.example")
		var pe *idp.PageError
		if !errors.As(err, &pe) || !strings.HasPrefix(pe.Detail, "AADSTS50011") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		cb, err := Decline(s.ctx, s.client, s.conf.AuthCodeURL("st7"))
		if err != nil || cb.Query().Get("error") != "access_denied" || cb.Query().Get("state") != "st7" {
			t.Fatalf("got %v %v", cb, err)
		}
	})
	t.Run("ID tokens", func(t *testing.T) {
		tok := s.login(t, s.conf, "bob@contoso.example")
		raw := tok.Extra("id_token").(string)
		if err := verify(raw, s.app.ClientID, nil); err != nil {
			t.Fatalf("genuine: %v", err)
		}
		if err := verify(raw, ids.UUID(), nil); err == nil {
			t.Error("wrong audience accepted")
		}
		if err := verify(raw, s.app.ClientID, func() time.Time { return s.clock.Now().Add(2 * time.Hour) }); err == nil || !strings.Contains(err.Error(), "expired") {
			t.Errorf("expired: %v", err)
		}
		parts := strings.Split(raw, ".")
		sig := []byte(parts[2])
		sig[10] ^= 'A' ^ 'B'
		if err := verify(parts[0]+"."+parts[1]+"."+string(sig), s.app.ClientID, nil); err == nil {
			t.Error("forged signature accepted")
		}
	})
}

func TestEntraCommonAndAdminConsent(t *testing.T) {
	s := newSignin(t)
	other := s.e.AddTenant("Fabrikam")
	carol := s.e.AddUser(other.ID, "Carol Diaz", "carol@fabrikam.example")

	// The common discovery document has the {tenantid} placeholder issuer.
	res, err := s.client.Get(s.srv.URL + "/common/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]any
	_ = decodeJSON(res, &meta)
	if meta["issuer"] != s.srv.URL+"/{tenantid}/v2.0" {
		t.Fatalf("common issuer = %v", meta["issuer"])
	}
	// A person of another tenant signs in through /organizations; the ID
	// token's issuer is their own tenant's.
	conf := s.conf
	conf.Endpoint = oauth2.Endpoint{AuthURL: s.srv.URL + "/organizations/oauth2/v2.0/authorize", TokenURL: s.srv.URL + "/organizations/oauth2/v2.0/token"}
	tok := s.login(t, conf, carol.UPN)
	fab, err := oidc.NewProvider(s.ctx, s.e.IssuerURL(other.ID))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := fab.Verifier(&oidc.Config{ClientID: s.app.ClientID}).Verify(s.ctx, tok.Extra("id_token").(string))
	if err != nil || idt.Issuer != s.e.IssuerURL(other.ID) {
		t.Fatalf("carol's ID token: %v", err)
	}
	// A single-tenant app may not use /common.
	single := s.e.RegisterApp(AppSpec{ClientSecret: "x", Name: "Single", HomeTenant: s.tenant.ID, RedirectURIs: []string{entraCallback}})
	_, err = Approve(s.ctx, s.client, s.srv.URL+"/common/oauth2/v2.0/authorize?"+url.Values{"client_id": {single.ClientID},
		"response_type": {"code"}, "redirect_uri": {entraCallback}, "scope": {"openid"}}.Encode(), carol.UPN)
	var pe *idp.PageError
	if !errors.As(err, &pe) || !strings.HasPrefix(pe.Detail, "AADSTS50194") {
		t.Fatalf("single-tenant app at /common: %v", err)
	}

	// The bot's app, multi-tenant, needs Fabrikam's admin consent before
	// it gets app-only Graph tokens there.
	s.e.RegisterApp(AppSpec{ClientID: s.bot.AppID, ClientSecret: s.secret, Name: "Parley", HomeTenant: s.tenant.ID,
		MultiTenant: true, RedirectURIs: []string{entraCallback}})
	appToken := func() error {
		_, err := (&oauth2.Config{ClientID: s.bot.AppID, ClientSecret: s.secret, Endpoint: oauth2.Endpoint{TokenURL: s.e.TokenURL(other.ID)}}).
			Exchange(s.ctx, "", oauth2.SetAuthURLParam("grant_type", "client_credentials"), oauth2.SetAuthURLParam("scope", scopeGraph))
		return err
	}
	if err := appToken(); !strings.Contains(retrieveError(err), "AADSTS7000229") {
		t.Fatalf("before consent: %v", err)
	}
	consentURL := s.srv.URL + "/organizations/v2.0/adminconsent?" + url.Values{"client_id": {s.bot.AppID},
		"redirect_uri": {entraCallback}, "state": {"ac"}, "scope": {"https://graph.microsoft.com/.default"}}.Encode()
	cb, err := Decline(s.ctx, s.client, consentURL)
	if err != nil || cb.Query().Get("error") != "access_denied" || cb.Query().Get("state") != "ac" {
		t.Fatalf("declined consent: %v %v", cb, err)
	}
	cb, err = Approve(s.ctx, s.client, consentURL, carol.UPN)
	if err != nil || cb.Query().Get("admin_consent") != "True" || cb.Query().Get("tenant") != other.ID || cb.Query().Get("state") != "ac" {
		t.Fatalf("consent: %v %v", cb, err)
	}
	if err := appToken(); err != nil {
		t.Fatalf("after consent: %v", err)
	}
}

func TestInstallBotThroughGraph(t *testing.T) {
	s := newSignin(t, "openid", "https://graph.microsoft.com/TeamsAppInstallation.ReadWriteForTeam")
	ops := s.e.AddTeam(s.tenant.ID, "Ops", s.alice.ID)
	tok := s.login(t, s.conf, "alice@contoso.example")
	post := func(token, body string) int {
		req, _ := http.NewRequestWithContext(s.ctx, http.MethodPost, s.srv.URL+"/v1.0/teams/"+ops.ID+"/installedApps", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := s.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	status, body := s.graphGet(t, tok.AccessToken, "/v1.0/appCatalogs/teamsApps?$filter="+url.QueryEscape("externalId eq '"+s.bot.AppID+"'"))
	teamsApp := s.e.TeamsAppID(s.bot.AppID)
	if status != 200 || !strings.Contains(body, `"id":"`+teamsApp+`"`) {
		t.Fatalf("catalog: %d %s", status, body)
	}
	bind := `{"teamsApp@odata.bind":"https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/` + teamsApp + `"}`
	if got := post(s.alice.Token, bind); got != http.StatusForbidden {
		t.Fatalf("without TeamsAppInstallation.ReadWriteForTeam: %d", got)
	}
	if got := post(tok.AccessToken, bind); got != http.StatusOK {
		t.Fatalf("install: %d", got)
	}
	s.botRecv.waitFor(func(a activity) bool {
		cd, _ := a["channelData"].(map[string]any)
		team, _ := cd["team"].(map[string]any)
		added, _ := a["membersAdded"].([]any)
		return a["type"] == "conversationUpdate" && team["aadGroupId"] == ops.ID && len(added) == 1 &&
			added[0].(map[string]any)["id"] == "28:"+s.bot.AppID
	})
	if got := post(tok.AccessToken, bind); got != http.StatusConflict {
		t.Fatalf("second install: %d", got)
	}
}

func decodeJSON(res *http.Response, v any) error {
	defer res.Body.Close()
	return json.NewDecoder(res.Body).Decode(v)
}

// TestSingleTenantAppTokensOnlyAtHome: Entra issues a single-tenant app
// client-credentials tokens in its home tenant only; anywhere else,
// botframework.com included, the app is not in the directory
// (AADSTS700016).
func TestSingleTenantAppTokensOnlyAtHome(t *testing.T) {
	s := newSignin(t, "openid")
	other := s.e.AddTenant("Fabrikam")
	s.e.RegisterApp(AppSpec{ClientID: s.bot.AppID, ClientSecret: s.secret, Name: "Parley", HomeTenant: s.tenant.ID})
	token := func(authority, scope string) error {
		_, err := (&oauth2.Config{ClientID: s.bot.AppID, ClientSecret: s.secret, Endpoint: oauth2.Endpoint{TokenURL: s.srv.URL + "/" + authority + "/oauth2/v2.0/token"}}).
			Exchange(oidc.ClientContext(s.ctx, s.client), "", oauth2.SetAuthURLParam("grant_type", "client_credentials"), oauth2.SetAuthURLParam("scope", scope))
		return err
	}
	tests := []struct {
		name, authority, scope string
		fails                  bool
	}{
		{"connector token at home", s.tenant.ID, scopeConnector, false},
		{"graph token at home", s.tenant.ID, scopeGraph, false},
		{"connector token from botframework.com", "botframework.com", scopeConnector, true},
		{"graph token in another tenant", other.ID, scopeGraph, true},
		{"connector token in another tenant", other.ID, scopeConnector, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := token(tt.authority, tt.scope)
			if !tt.fails && err != nil {
				t.Fatalf("token: %v", err)
			}
			if tt.fails && !strings.Contains(retrieveError(err), "AADSTS700016") {
				t.Fatalf("token = %v, want AADSTS700016", err)
			}
		})
	}
}
