package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"gopkg.in/yaml.v3"

	"parley/internal/admin"
)

// call sends a JSON request to the admin API with a personal token.
func (w *world) call(method, path, token string, in any) (int, []byte) {
	w.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, w.m.Admin.APIURL+path, body)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := w.client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func channelNamed(ws SlackWorkspace, name string) string {
	for _, c := range ws.Channels {
		if c.Name == name {
			return c.ID
		}
	}
	return ""
}

// TestAdminManifest: the manifest lists two tenants, one person per role
// per tenant with a working personal token and a sign-in platform where
// their account exists, and each link's tenant.
func TestAdminManifest(t *testing.T) {
	w := startWorld(t)
	if len(w.m.Tenants) < 2 || w.m.Admin == nil || w.m.Admin.OpenAPIURL == "" {
		t.Fatalf("manifest: tenants %+v admin %+v", w.m.Tenants, w.m.Admin)
	}
	accounts := map[string]map[string]bool{"slack": {}, "teams": {}, "gchat": {}, "webex": {}}
	for _, ws := range w.pl.Slack.Workspaces {
		for _, u := range ws.Users {
			accounts["slack"][u.Email] = true
		}
	}
	for _, tn := range w.pl.Teams.Tenants {
		for _, u := range tn.Users {
			accounts["teams"][u.Email] = true
		}
	}
	for _, d := range w.pl.GChat.Domains {
		for _, u := range d.Users {
			accounts["gchat"][u.Email] = true
		}
	}
	for _, o := range w.pl.Webex.Orgs {
		for _, u := range o.Users {
			accounts["webex"][u.Email] = true
		}
	}
	roles := map[string]map[string]bool{}
	for _, p := range w.m.Admin.People {
		if roles[p.Tenant] == nil {
			roles[p.Tenant] = map[string]bool{}
		}
		roles[p.Tenant][p.Role] = true
		if !accounts[p.Platform][p.Email] {
			t.Errorf("%s signs in with %s but has no account there", p.Email, p.Platform)
		}
		status, b := w.call("GET", "me", p.Token, nil)
		var me admin.Me
		_ = json.Unmarshal(b, &me)
		if status != 200 || len(me.Roles) != 1 || me.Roles[0].Tenant != p.Tenant || me.Roles[0].Role != p.Role {
			t.Errorf("%s's token: %d %s", p.Email, status, b)
		}
	}
	for _, tn := range w.m.Tenants {
		for _, r := range admin.TenantRoles {
			if !roles[tn.ID][string(r)] {
				t.Errorf("tenant %s has no %s", tn.ID, r)
			}
		}
	}
	for _, l := range w.m.Links {
		if l.Tenant == "" {
			t.Errorf("link %s has no tenant", l.ID)
		}
	}
	if status, _ := w.call("GET", "openapi.json", "", nil); status != 200 {
		t.Fatalf("openapi.json: %d", status)
	}
	// The second tenant's owner gets nothing from the first: the same
	// answer as for a tenant that does not exist.
	hooliOwner := w.adminToken("hooli", "owner")
	_, nope := w.call("GET", "tenants/no-such-tenant/links", hooliOwner, nil)
	for _, path := range []string{"tenants/demo", "tenants/demo/links", "tenants/demo/links/partners", "tenants/demo/traffic", "tenants/demo/audit", "tenants/demo/workspaces", "tenants/demo/roles"} {
		status, b := w.call("GET", path, hooliOwner, nil)
		if status != 404 || !bytes.Equal(b, nope) {
			t.Errorf("hooli's owner on %s: %d %s, want 404 %s", path, status, b, nope)
		}
	}
}

// TestLinkThroughAPI: a link created through the admin API relays the
// first message posted after the API answers; deleted, it stops at once;
// both changes are in the audit log with the person who made them.
func TestLinkThroughAPI(t *testing.T) {
	w := startWorld(t)
	acme, globex := w.ws("acme"), w.ws("globex")
	from, to := channelNamed(acme, "general"), channelNamed(globex, "general")
	alice := w.person(acme, "alice")
	operator := w.adminToken("demo", "operator")

	// Not linked yet: a post stays where it is (checked below, once a
	// later post on a linked channel has crossed).
	before := "before-" + randomHex(6)
	if _, _, err := w.api(alice).PostMessage(from, slack.MsgOptionText(before, false)); err != nil {
		t.Fatal(err)
	}
	// Let it through the pipeline before the link exists: a post on a
	// linked channel right behind it crosses once it has been handled.
	settled := "settled-" + randomHex(6)
	if _, _, err := w.api(alice).PostMessage(w.linked(acme), slack.MsgOptionText(settled, false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, w.linked(globex), "the settling post", func(msgs []slack.Message) bool { return find(msgs, settled) != nil })

	status, b := w.call("POST", "tenants/demo/links", operator, admin.LinkIn{ID: "generals", Name: "acme ↔ globex general", Channels: []admin.Channel{
		{Platform: "slack", Workspace: acme.ID, Channel: from}, {Platform: "slack", Workspace: globex.ID, Channel: to}}})
	if status != http.StatusCreated {
		t.Fatalf("create link: %d %s", status, b)
	}
	created := time.Now()
	during := "during-" + randomHex(6)
	if _, _, err := w.api(alice).PostMessage(from, slack.MsgOptionText(during, false)); err != nil {
		t.Fatal(err)
	}
	took := w.await(globex, to, "a post on the new link", func(msgs []slack.Message) bool { return find(msgs, during) != nil })
	t.Logf("first post on a link made through the API arrived %s after the API answered (%s after it was posted)", time.Since(created).Round(time.Millisecond), took.Round(time.Millisecond))

	status, b = w.call("DELETE", "tenants/demo/links/generals", operator, nil)
	if status != http.StatusNoContent {
		t.Fatalf("delete link: %d %s", status, b)
	}
	after := "after-" + randomHex(6)
	if _, _, err := w.api(alice).PostMessage(from, slack.MsgOptionText(after, false)); err != nil {
		t.Fatal(err)
	}
	// A post on a still-linked channel right behind it: once it has
	// crossed, the deleted link's post would have too.
	control := "control-" + randomHex(6)
	if _, _, err := w.api(alice).PostMessage(w.linked(acme), slack.MsgOptionText(control, false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, w.linked(globex), "the control post", func(msgs []slack.Message) bool { return find(msgs, control) != nil })
	msgs, err := w.history(w.reader(globex, 0), to)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{before, after} {
		if find(msgs, gone) != nil {
			t.Fatalf("%q was relayed without a link: %s", gone, dump(msgs))
		}
	}

	// The audit log names the operator for both.
	_, b = w.call("GET", "me", operator, nil)
	var me admin.Me
	_ = json.Unmarshal(b, &me)
	status, b = w.call("GET", "tenants/demo/audit", w.adminToken("demo", "owner"), nil)
	var log admin.AuditOut
	if err := json.Unmarshal(b, &log); err != nil || status != 200 {
		t.Fatalf("audit: %d %s", status, b)
	}
	var got []string
	for _, e := range log.Entries {
		if strings.HasPrefix(e.Action, "link.") {
			got = append(got, fmt.Sprintf("%s %s %s %s %s", e.Actor, e.Role, e.Action, e.Target, e.Outcome))
		}
	}
	want := []string{me.ID + " operator link.create link:generals ok", me.ID + " operator link.delete link:generals ok"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestConfigIsABootstrap: the config file is applied at every start; a
// link removed from it is removed, a link made through the API stays, and
// the API exports the current state as a config section.
func TestConfigIsABootstrap(t *testing.T) {
	w := startWorld(t)
	acme, globex := w.ws("acme"), w.ws("globex")
	owner := w.adminToken("demo", "owner")
	status, b := w.call("POST", "tenants/demo/links", owner, admin.LinkIn{ID: "generals", Name: "generals", Channels: []admin.Channel{
		{Platform: "slack", Workspace: acme.ID, Channel: channelNamed(acme, "general")}, {Platform: "slack", Workspace: globex.ID, Channel: channelNamed(globex, "general")}}})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, b)
	}
	_, exported := w.call("GET", "tenants/demo/config.yaml", owner, nil)
	for _, want := range []string{"id: generals", "id: partners", "email: carol@acme.example", "bot_token: env:SLACK_"} {
		if !strings.Contains(string(exported), want) {
			t.Errorf("config.yaml lacks %q:\n%s", want, exported)
		}
	}

	// Drop the partners link from the file and start again.
	raw, err := os.ReadFile(w.m.GatewayConfig)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	demo := doc["tenants"].([]any)[0].(map[string]any)
	var keep []any
	for _, l := range demo["links"].([]any) {
		if l.(map[string]any)["id"] != "partners" {
			keep = append(keep, l)
		}
	}
	demo["links"] = keep
	out, _ := yaml.Marshal(doc)
	if err := os.WriteFile(w.m.GatewayConfig, out, 0o600); err != nil {
		t.Fatal(err)
	}
	w.restart(t, nil)

	_, b = w.call("GET", "tenants/demo/links", owner, nil)
	var links admin.LinksOut
	_ = json.Unmarshal(b, &links)
	var ids []string
	for _, l := range links.Links {
		ids = append(ids, l.ID+":"+l.Origin)
	}
	if strings.Join(ids, ",") != "generals:api" {
		t.Fatalf("after restart the demo tenant's links are %v, want only the API's generals", ids)
	}
	_, b = w.call("GET", "tenants/hooli/links", w.adminToken("hooli", "owner"), nil)
	if !strings.Contains(string(b), `"id":"hooli-piper","tenant":"hooli","name":"hooli ↔ pied piper"`) {
		t.Fatalf("hooli's link: %s", b)
	}
	// And the removed link no longer relays.
	text := "unlinked-" + randomHex(6)
	if _, _, err := w.api(w.person(acme, "alice")).PostMessage(w.linked(acme), slack.MsgOptionText(text, false)); err != nil {
		t.Fatal(err)
	}
	control := "control-" + randomHex(6)
	if _, _, err := w.api(w.person(acme, "alice")).PostMessage(channelNamed(acme, "general"), slack.MsgOptionText(control, false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, channelNamed(globex, "general"), "the control post", func(msgs []slack.Message) bool { return find(msgs, control) != nil })
	msgs, _ := w.history(w.reader(globex, 0), w.linked(globex))
	if find(msgs, text) != nil {
		t.Fatal("a link removed from the config file still relays")
	}
}
