package sandbox

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"parley/internal/connector/conformance"
)

// urlWithPath finds a URL in the logs that still shows a path or a query:
// the logs may say which host a request went to, never what it asked for.
var urlWithPath = regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^/\s"\\]+/[^\[\s"\\]`)

// TestCraftedFileURLsFetchNothing: a Teams person posts a message whose
// pictures point at an internal service, at plain http, and at a
// pre-signed link on a host that is not Teams'. The message reaches the
// other platforms with a note for each picture; nothing connects to those
// hosts; and neither the links' secrets nor their file names reach the
// gateway's logs.
func TestCraftedFileURLsFetchNothing(t *testing.T) {
	w := startWorld(t)
	inside := conformance.NewDialRecorder(t, "127.0.0.1:0", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(rw, `{"AccessKeyId":"inside-secret"}`)
	}))
	secret, name := "sig-"+randomHex(8), "Board-minutes-"+randomHex(4)+".png"
	urls := []string{
		inside.URL + "/latest/meta-data/iam/security-credentials/admin",
		"http://" + inside.Host() + "/internal/admin.png",
		"https://127.0.0.1:1/uploads/" + name + "?X-Amz-Signature=" + secret, // nothing listens on port 1
	}

	tten := w.pl.Teams.Tenants[0]
	team := tten.Teams[0]
	tch := team.Channels[len(team.Channels)-1].ID
	i := slices.IndexFunc(tten.Users, func(p Person) bool { return p.Name == "judy" })
	if i < 0 {
		t.Fatal("no judy")
	}
	judy := tten.Users[i]
	mark := "pictures-" + randomHex(4)
	content := "<p>" + mark + "</p>"
	var atts []any
	for k, u := range urls {
		id := string(rune('a' + k))
		content += `<attachment id="` + id + `"></attachment>`
		atts = append(atts, map[string]any{"id": id, "contentType": "image/png", "contentUrl": u, "name": name})
	}
	w.graph(judy, http.MethodPost, "teams/"+url.PathEscape(team.ID)+"/channels/"+url.PathEscape(tch)+"/messages",
		map[string]any{"body": map[string]any{"contentType": "html", "content": content}, "attachments": atts})

	acme := w.ws("acme")
	acmeCh := w.linked(acme)
	w.await(acme, acmeCh, "the message, with notes for its pictures", func(msgs []slack.Message) bool {
		m := find(msgs, mark)
		return m != nil && strings.Count(m.Text, "could not be fetched") == len(urls)
	})
	if n := inside.Conns(); n != 0 {
		t.Fatalf("%d connections reached the internal host", n)
	}
	logs := w.logs.Bytes()
	for what, needle := range map[string]string{"the link's signature": secret, "the file name": name, "the internal path": "security-credentials"} {
		if strings.Contains(string(logs), needle) {
			t.Errorf("%s is in the logs", what)
		}
	}
	if m := urlWithPath.Find(logs); m != nil {
		t.Errorf("a URL with its path is in the logs: %s", m)
	}
}
