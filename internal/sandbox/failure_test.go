package sandbox

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// TestPermanentFailureIsNeverSilent: when a destination refuses a message
// for good, the sender is told in the message's thread, the traffic log has
// a content-free entry, and a metric counts it.
func TestPermanentFailureIsNeverSilent(t *testing.T) {
	w := startWorld(t)
	acme, globex := w.ws("acme"), w.ws("globex")
	acmeCh, globexCh := w.linked(acme), w.linked(globex)
	alice, bob := w.person(acme, "alice"), w.person(globex, "bob")

	// A globex admin removes Parley's app from their side of the channel.
	if err := w.sb.SlackEmulator().Kick(globex.ID, globexCh, globex.BotUserID); err != nil {
		t.Fatal(err)
	}
	// Bob's own token cannot: kicking needs channels:write.
	if err := w.slackCallErr(bob.Token, "conversations.kick", url.Values{"channel": {globexCh}, "user": {globex.BotUserID}}); !strings.Contains(err, "missing_scope") {
		t.Fatalf("kick without the scope: %s", err)
	}

	text := "undeliverable-" + randomHex(6)
	_, ts, err := w.api(alice).PostMessage(acmeCh, slack.MsgOptionText(text, false))
	if err != nil {
		t.Fatal(err)
	}
	w.await(acme, acmeCh, "failure notice in the sender's thread", func(msgs []slack.Message) bool {
		for _, m := range msgs {
			if m.ThreadTimestamp == ts && m.Timestamp != ts && strings.Contains(m.Text, "could not deliver") && strings.Contains(m.Text, "globex") {
				return true
			}
		}
		return false
	})

	traffic := w.admin("/api/v1/tenants/demo/traffic")
	if !strings.Contains(traffic, `"outcome":"permanent"`) || !strings.Contains(traffic, `"kind":"posted"`) {
		t.Fatalf("no permanent-failure entry in the traffic log: %s", traffic)
	}
	if strings.Contains(traffic, text) || strings.Contains(traffic, globexCh) || strings.Contains(traffic, acmeCh) {
		t.Fatalf("traffic log shows content or raw channel IDs: %s", traffic)
	}
	// The notice is counted once its post returns, which can be a moment
	// after the notice shows in the thread.
	for _, want := range []string{
		`parley_deliveries_total{outcome="permanent",platform="slack"} 1`,
		`parley_failure_notices_total{platform="slack"} 1`,
		`parley_events_accepted_total{platform="slack"}`,
	} {
		w.poll("metrics show "+want, func() bool { return strings.Contains(w.admin("/metrics"), want) })
	}
	// Only admins read either.
	req, _ := http.NewRequest(http.MethodGet, w.m.Gateway.AdminURL+"/api/v1/tenants/demo/traffic", nil)
	resp, err := w.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("traffic log without a token: %d", resp.StatusCode)
	}
}

// admin GETs an admin listener path: the API as the demo tenant's
// auditor (the traffic log is theirs to read, not the installation's),
// metrics with the admin token.
func (w *world) admin(path string) string {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.m.Gateway.AdminURL+path, nil)
	tok := w.m.Gateway.AdminToken
	if strings.HasPrefix(path, "/api/") {
		tok = w.adminToken("demo", "auditor")
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := w.client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		w.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}

// slackCallErr calls a Web API method and returns its answer.
func (w *world) slackCallErr(token, method string, form url.Values) string {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.pl.Slack.APIURL+method, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := w.client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// adminToken is the personal API token of the tenant's demo person with
// role.
func (w *world) adminToken(tenant, role string) string {
	w.t.Helper()
	for _, p := range w.m.Admin.People {
		if p.Tenant == tenant && p.Role == role {
			return p.Token
		}
	}
	w.t.Fatalf("no %s of %s in the manifest", role, tenant)
	return ""
}
