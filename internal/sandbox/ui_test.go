package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// page fetches the sandbox page and returns the token it embeds, as the
// page's JavaScript reads it.
func (w *world) page() (html, token string) {
	w.t.Helper()
	resp, err := w.client.Get(w.m.UIURL + "/")
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		w.t.Fatalf("GET /: %d %s", resp.StatusCode, b)
	}
	m := regexp.MustCompile(`<meta name="parley-page-token" content="([0-9a-f]{64})">`).FindSubmatch(b)
	if m == nil {
		w.t.Fatal("the page embeds no token")
	}
	return string(b), string(m[1])
}

// pageRequest calls one of the page's endpoints; headers are set as given
// (a browser's Origin, Sec-Fetch-Site, the page token), host overrides
// the Host header.
func (w *world) pageRequest(method, path, body, host string, headers map[string]string) (int, string) {
	w.t.Helper()
	req, err := http.NewRequest(method, w.m.UIURL+path, strings.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := w.client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestWebPage: the page lists every linked channel of every platform, and
// a person posting through it on any platform is relayed.
func TestWebPage(t *testing.T) {
	w := startWorld(t)
	html, token := w.page()
	if !strings.Contains(html, "Parley sandbox") {
		t.Fatal("page not served")
	}
	asPage := map[string]string{pageTokenHeader: token, "Origin": w.m.UIURL, "Sec-Fetch-Site": "same-origin"}
	status, body := w.pageRequest(http.MethodGet, "/api/state", "", "", asPage)
	if status != http.StatusOK {
		t.Fatalf("GET /api/state: %d %s", status, body)
	}
	var cols []uiChannel
	if err := json.Unmarshal([]byte(body), &cols); err != nil {
		t.Fatal(err)
	}
	platforms := map[string]bool{}
	for _, c := range cols {
		platforms[c.Platform] = true
		if c.Error != "" || len(c.People) == 0 {
			t.Errorf("%s column: error %q, %d people", c.Platform, c.Error, len(c.People))
		}
	}
	for _, p := range []string{"slack", "teams", "gchat", "webex"} {
		if !platforms[p] {
			t.Errorf("no %s column", p)
		}
	}
	acme := w.ws("acme")
	acmeCh := w.linked(acme)
	room := map[string]bool{}
	for _, c := range w.m.Links[0].Channels {
		room[c.Channel] = true
	}
	for _, c := range cols {
		if c.Channel == acmeCh || !room[c.Channel] {
			continue // acme itself, or another tenant's room
		}
		text := "via-page-" + c.Platform + "-" + randomHex(3)
		req, _ := json.Marshal(postRequest{Platform: c.Platform, Workspace: c.Workspace, Channel: c.Channel, User: c.People[0].ID, Text: text})
		if status, body := w.pageRequest(http.MethodPost, "/api/post", string(req), "", asPage); status != http.StatusNoContent {
			t.Fatalf("post on %s: %d %s", c.Platform, status, body)
		}
		w.await(acme, acmeCh, "page post from "+c.Platform, func(msgs []slack.Message) bool { return find(msgs, text) != nil })
	}
}

// TestWebPageRefusesOtherSites: the page's endpoints act as the demo
// people, so a request another site's page could make — from its origin,
// without the token, with a wrong one, or through a rebound name — is
// refused with 403 and posts nothing.
func TestWebPageRefusesOtherSites(t *testing.T) {
	w := startWorld(t)
	_, token := w.page()
	acme := w.ws("acme")
	acmeCh := w.linked(acme)
	alice := w.person(acme, "alice")
	post := func(text string) string {
		b, _ := json.Marshal(postRequest{Platform: "slack", Workspace: acme.ID, Channel: acmeCh, User: alice.ID, Text: text})
		return string(b)
	}
	wrong := strings.Repeat("0", len(token))
	tests := []struct {
		name    string
		host    string
		headers map[string]string
	}{
		{name: "another origin, with the token", headers: map[string]string{pageTokenHeader: token, "Origin": "https://evil.example"}},
		{name: "another port on loopback", headers: map[string]string{pageTokenHeader: token, "Origin": "https://127.0.0.1:1"}},
		{name: "origin over http", headers: map[string]string{pageTokenHeader: token, "Origin": strings.Replace(w.m.UIURL, "https:", "http:", 1)}},
		{name: "cross-site fetch", headers: map[string]string{pageTokenHeader: token, "Sec-Fetch-Site": "cross-site"}},
		{name: "same-site fetch", headers: map[string]string{pageTokenHeader: token, "Sec-Fetch-Site": "same-site", "Origin": w.m.UIURL}},
		{name: "no token", headers: map[string]string{"Origin": w.m.UIURL, "Sec-Fetch-Site": "same-origin"}},
		{name: "no token, no browser headers"},
		{name: "wrong token", headers: map[string]string{pageTokenHeader: wrong, "Origin": w.m.UIURL}},
		{name: "token of another length", headers: map[string]string{pageTokenHeader: token[:10]}},
		{name: "rebound name", host: "evil.example:" + w.m.UIURL[strings.LastIndex(w.m.UIURL, ":")+1:],
			headers: map[string]string{pageTokenHeader: token, "Origin": "https://evil.example"}},
	}
	var refused []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "refused-" + randomHex(4)
			refused = append(refused, text)
			if status, body := w.pageRequest(http.MethodPost, "/api/post", post(text), tt.host, tt.headers); status != http.StatusForbidden {
				t.Errorf("POST /api/post: %d %s, want 403", status, body)
			}
			if status, body := w.pageRequest(http.MethodGet, "/api/state", "", tt.host, tt.headers); status != http.StatusForbidden {
				t.Errorf("GET /api/state: %d %.80s, want 403", status, body)
			}
		})
	}
	if status, _ := w.pageRequest(http.MethodGet, "/", "", "evil.example", nil); status != http.StatusForbidden {
		t.Errorf("the page (and its token) served under a rebound name: %d", status)
	}

	// The page's own request is posted; it goes to the same channel, so
	// once it is there any refused one would be too.
	ok := "from-the-page-" + randomHex(4)
	if status, body := w.pageRequest(http.MethodPost, "/api/post", post(ok), "", map[string]string{pageTokenHeader: token, "Origin": w.m.UIURL, "Sec-Fetch-Site": "same-origin"}); status != http.StatusNoContent {
		t.Fatalf("the page's own post: %d %s", status, body)
	}
	msgs, err := w.history(w.api(alice), acmeCh)
	if err != nil {
		t.Fatal(err)
	}
	if find(msgs, ok) == nil {
		t.Fatal("the page's own post is missing")
	}
	for _, text := range refused {
		if find(msgs, text) != nil {
			t.Errorf("refused request posted %q", text)
		}
	}
}
