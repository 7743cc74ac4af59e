package teams

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"parley/internal/emulator/ids"
)

func TestInstallDeliversSignedActivities(t *testing.T) {
	v := newEnv(t)
	cu := v.botRecv.waitFor(func(a activity) bool { return a["type"] == "conversationUpdate" })
	if got := str(cu, "channelData", "eventType"); got != "teamMemberAdded" {
		t.Errorf("eventType = %q", got)
	}
	if got := str(cu, "channelData", "team", "aadGroupId"); got != v.team.ID {
		t.Errorf("aadGroupId = %q, want %q", got, v.team.ID)
	}
	if got := str(cu, "conversation", "id"); got != v.team.GeneralChannel.ID {
		t.Errorf("conversation.id = %q", got)
	}
	added := cu["membersAdded"].([]any)[0].(map[string]any)["id"]
	if added != v.bot.BotID || v.bot.BotID != "28:"+v.bot.AppID {
		t.Errorf("membersAdded = %v, bot %v", added, v.bot.BotID)
	}
	iu := v.botRecv.waitFor(func(a activity) bool { return a["type"] == "installationUpdate" })
	if iu["action"] != "add" || str(iu, "recipient", "id") != v.bot.BotID || iu["channelId"] != "msteams" {
		t.Errorf("installationUpdate = %v", iu)
	}
	if iu["serviceUrl"] != v.e.ServiceURL() || !strings.HasSuffix(v.e.ServiceURL(), "/") {
		t.Errorf("serviceUrl = %v", iu["serviceUrl"])
	}
}

func TestRotateSigningKeyKeepsOldKeyPublished(t *testing.T) {
	v := newEnv(t)
	old := v.e.SigningKeyID()
	v.e.RotateSigningKey()
	if v.e.SigningKeyID() == old {
		t.Fatal("kid did not change")
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := v.getJSON(v.e.JWKSURL(), &set); err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range set.Keys {
		kids = append(kids, k["kid"].(string))
		if k["kty"] != "RSA" || k["use"] != "sig" || k["x5c"] == nil {
			t.Errorf("key shape %v", k)
		}
	}
	if !slices.Contains(kids, old) || !slices.Contains(kids, v.e.SigningKeyID()) {
		t.Fatalf("JWKS kids %v, want old %s and new %s", kids, old, v.e.SigningKeyID())
	}
	// The next activity is signed with the new key and still validates.
	status, _, _ := v.call("POST", channelMsgs(v.team, v.team.GeneralChannel), v.alice.Token, map[string]any{"body": map[string]any{"content": "hi"}})
	if status != http.StatusCreated {
		t.Fatalf("post: %d", status)
	}
	v.botRecv.waitFor(func(a activity) bool { return a["type"] == "message" })
	if kid := v.botRecv.lastToken().Header["kid"]; kid != v.e.SigningKeyID() {
		t.Errorf("signed with %v, want %s", kid, v.e.SigningKeyID())
	}
}

func TestOpenIDMetadata(t *testing.T) {
	v := newEnv(t)
	var meta map[string]any
	if err := v.getJSON(v.e.OpenIDMetadataURL(), &meta); err != nil {
		t.Fatal(err)
	}
	if meta["issuer"] != "https://api.botframework.com" || meta["jwks_uri"] != v.e.JWKSURL() {
		t.Errorf("metadata = %v", meta)
	}
	var tm map[string]any
	if err := v.getJSON(v.e.LoginURL(v.tenant.ID)+"/v2.0/.well-known/openid-configuration", &tm); err != nil {
		t.Fatal(err)
	}
	if tm["token_endpoint"] != v.e.TokenURL(v.tenant.ID) {
		t.Errorf("token_endpoint = %v", tm["token_endpoint"])
	}
}

func TestTokenEndpoint(t *testing.T) {
	v := newEnv(t)
	cases := []struct {
		name     string
		tenant   string
		form     url.Values
		status   int
		errCode  string
		wantKind string
	}{
		{"connector token, tenant authority", v.tenant.ID, url.Values{"grant_type": {"client_credentials"}, "client_id": {v.bot.AppID}, "client_secret": {v.secret}, "scope": {scopeConnector}}, 200, "", tokenConnector},
		{"connector token, botframework.com", "botframework.com", url.Values{"grant_type": {"client_credentials"}, "client_id": {v.bot.AppID}, "client_secret": {v.secret}, "scope": {scopeConnector}}, 200, "", tokenConnector},
		{"graph app token", v.tenant.ID, url.Values{"grant_type": {"client_credentials"}, "client_id": {v.bot.AppID}, "client_secret": {v.secret}, "scope": {scopeGraph}}, 200, "", tokenGraphApp},
		{"graph token needs a tenant", "botframework.com", url.Values{"grant_type": {"client_credentials"}, "client_id": {v.bot.AppID}, "client_secret": {v.secret}, "scope": {scopeGraph}}, 400, "invalid_request", ""},
		{"wrong secret", v.tenant.ID, url.Values{"grant_type": {"client_credentials"}, "client_id": {v.bot.AppID}, "client_secret": {"nope"}, "scope": {scopeConnector}}, 401, "invalid_client", ""},
		{"unknown app", v.tenant.ID, url.Values{"grant_type": {"client_credentials"}, "client_id": {ids.UUID()}, "client_secret": {v.secret}, "scope": {scopeConnector}}, 400, "unauthorized_client", ""},
		{"password grant", v.tenant.ID, url.Values{"grant_type": {"password"}, "client_id": {v.bot.AppID}, "client_secret": {v.secret}, "scope": {scopeConnector}}, 400, "unsupported_grant_type", ""},
		{"scope without .default", v.tenant.ID, url.Values{"grant_type": {"client_credentials"}, "client_id": {v.bot.AppID}, "client_secret": {v.secret}, "scope": {"https://api.botframework.com"}}, 400, "invalid_scope", ""},
		{"unknown tenant", ids.UUID(), url.Values{"grant_type": {"client_credentials"}, "client_id": {v.bot.AppID}, "client_secret": {v.secret}, "scope": {scopeConnector}}, 400, "invalid_request", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := v.client.PostForm(v.e.TokenURL(tc.tenant), tc.form)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var out map[string]any
			_ = json.NewDecoder(res.Body).Decode(&out)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%v)", res.StatusCode, tc.status, out)
			}
			if tc.errCode != "" {
				if out["error"] != tc.errCode || !strings.HasPrefix(out["error_description"].(string), "AADSTS") {
					t.Errorf("error body %v", out)
				}
				return
			}
			if out["token_type"] != "Bearer" || out["expires_in"].(float64) != 3600 {
				t.Errorf("token body %v", out)
			}
			tok := v.e.st.tokens[out["access_token"].(string)]
			if tok == nil || tok.kind != tc.wantKind {
				t.Errorf("issued token kind %v, want %s", tok, tc.wantKind)
			}
		})
	}
}

func TestTokensAreNotInterchangeable(t *testing.T) {
	v := newEnv(t)
	cases := []struct {
		name, method, path, token string
		status                    int
	}{
		{"no token on connector", "GET", convPath(v.team.GeneralChannel.ID) + "/members", "", 401},
		{"graph app token on connector", "GET", convPath(v.team.GeneralChannel.ID) + "/members", v.graphToken(), 401},
		{"user token on connector", "GET", convPath(v.team.GeneralChannel.ID) + "/members", v.alice.Token, 401},
		{"forged token on connector", "GET", convPath(v.team.GeneralChannel.ID) + "/members", "eyJhbGciOiJub25lIn0.e30.", 401},
		{"connector token on graph", "GET", "/v1.0/users/" + v.alice.ID, v.botToken(), 401},
		{"no token on graph", "GET", "/v1.0/users/" + v.alice.ID, "", 401},
		{"connector token works on connector", "GET", convPath(v.team.GeneralChannel.ID) + "/members", v.botToken(), 200},
		{"app token works on graph", "GET", "/v1.0/users/" + v.alice.ID, v.graphToken(), 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := v.call(tc.method, tc.path, tc.token, nil)
			if status != tc.status {
				t.Errorf("status %d, want %d (%v)", status, tc.status, body)
			}
		})
	}
}

func TestIssuedTokensExpire(t *testing.T) {
	v := newEnv(t)
	tok := v.botToken()
	v.clock.Advance(61 * time.Minute)
	status, _, _ := v.call("GET", convPath(v.team.GeneralChannel.ID)+"/members", tok, nil)
	if status != http.StatusUnauthorized {
		t.Errorf("expired token: status %d", status)
	}
}
