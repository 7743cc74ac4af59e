package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// TestWebPage: the page lists every linked channel of every platform, and
// a person posting through it on any platform is relayed.
func TestWebPage(t *testing.T) {
	w := startWorld(t)
	get := func(path string) []byte {
		resp, err := w.client.Get(w.m.UIURL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return b
	}
	if !strings.Contains(string(get("/")), "Parley sandbox") {
		t.Fatal("page not served")
	}
	var cols []uiChannel
	if err := json.Unmarshal(get("/api/state"), &cols); err != nil {
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
	for _, c := range cols {
		if c.Channel == acmeCh {
			continue
		}
		text := "via-page-" + c.Platform + "-" + randomHex(3)
		body, _ := json.Marshal(postRequest{Platform: c.Platform, Workspace: c.Workspace, Channel: c.Channel, User: c.People[0].ID, Text: text})
		resp, err := w.client.Post(w.m.UIURL+"/api/post", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("post on %s: %d", c.Platform, resp.StatusCode)
		}
		w.await(acme, acmeCh, "page post from "+c.Platform, func(msgs []slack.Message) bool { return find(msgs, text) != nil })
	}
}
