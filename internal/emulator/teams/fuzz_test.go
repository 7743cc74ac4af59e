package teams

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fuzzEnv is an emulator driven in-process (no TLS) whose clock jumps on
// every reading, so rate limits never hide the decoding paths.
type fuzzEnv struct {
	e       *Emulator
	h       http.Handler
	botTok  string
	userTok string
	team    Team
	root    string
}

func newFuzzEnv(f *testing.F) *fuzzEnv {
	var mu sync.Mutex
	now := time.Now()
	e := New(Options{RetryDelays: []time.Duration{}, Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Hour)
		return now
	}})
	f.Cleanup(e.Close)
	tn := e.AddTenant("Fuzz")
	u := e.AddUser(tn.ID, "Fuzz User", "fuzz@fuzz.example")
	team := e.AddTeam(tn.ID, "Fuzzers", u.ID)
	b := e.RegisterBot(BotSpec{AppSecret: "x", Name: "Fuzz Bot"}) // no endpoint: nothing is delivered
	if err := e.InstallBot(b.AppID, team.ID); err != nil {
		f.Fatal(err)
	}
	e.mu.Lock()
	e.st.tokens["fuzz-bot-token"] = &token{value: "fuzz-bot-token", kind: tokenConnector, appID: b.AppID}
	e.mu.Unlock()
	fe := &fuzzEnv{e: e, h: e.Handler(), botTok: "fuzz-bot-token", userTok: u.Token, team: team}
	status, body := fe.do("POST", "/v3/conversations/"+url.PathEscape(team.GeneralChannel.ID)+"/activities", fe.botTok, []byte(`{"type":"message","text":"root"}`))
	if status != http.StatusCreated {
		f.Fatalf("seed root: %d %s", status, body)
	}
	var res struct{ ID string }
	_ = json.Unmarshal(body, &res)
	fe.root = res.ID
	return fe
}

func (fe *fuzzEnv) do(method, path, tok string, body []byte) (int, []byte) {
	req := httptest.NewRequest(method, "https://teams.test"+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	fe.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// check fails on a server error or a non-JSON error body.
func check(t *testing.T, status int, body []byte) {
	if status >= 500 {
		t.Fatalf("status %d: %s", status, body)
	}
	if len(body) > 0 && !json.Valid(body) {
		t.Fatalf("status %d with non-JSON body %q", status, body)
	}
}

func FuzzConnectorActivity(f *testing.F) {
	fe := newFuzzEnv(f)
	f.Add([]byte(`{"type":"message","text":"hi <at>Fuzz User</at>","entities":[{"type":"mention","text":"<at>Fuzz User</at>","mentioned":{"id":"x"}}]}`), ";messageid=1", "")
	f.Add([]byte(`{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.teams.card.file.info","content":{"uniqueId":"u"}}]}`), "", "1")
	f.Add([]byte(`{"type":"typing"}`), "", "")
	f.Add([]byte(`{"isGroup":false,"members":[{"id":"29:x"}],"channelData":{"channel":{"id":"19:x"}}}`), "", "")
	f.Fuzz(func(t *testing.T, body []byte, convSuffix, act string) {
		conv := url.PathEscape(fe.team.GeneralChannel.ID + convSuffix)
		paths := []struct{ method, path string }{
			{"POST", "/v3/conversations/" + conv + "/activities"},
			{"POST", "/v3/conversations/" + conv + "/activities/" + url.PathEscape(act+fe.root)},
			{"PUT", "/v3/conversations/" + conv + "/activities/" + url.PathEscape(fe.root)},
			{"POST", "/v3/conversations"},
			{"GET", "/v3/conversations/" + conv + "/pagedmembers?pageSize=" + url.QueryEscape(act) + "&continuationToken=" + url.QueryEscape(convSuffix)},
		}
		for _, p := range paths {
			status, out := fe.do(p.method, p.path, fe.botTok, body)
			check(t, status, out)
		}
	})
}

func FuzzGraphMessage(f *testing.F) {
	fe := newFuzzEnv(f)
	f.Add([]byte(`{"body":{"contentType":"html","content":"<at id=\"0\">A</at>"},"mentions":[{"id":0,"mentionText":"A","mentioned":{"user":{"id":"x"}}}]}`), "setReaction")
	f.Add([]byte(`{"body":{"content":"x <attachment id=\"a\"></attachment>"},"attachments":[{"id":"a","contentType":"reference","contentUrl":"https://x"}]}`), "softDelete")
	f.Add([]byte(`{"reactionType":"like"}`), "unsetReaction")
	f.Fuzz(func(t *testing.T, body []byte, action string) {
		msgs := "/v1.0/teams/" + fe.team.ID + "/channels/" + url.PathEscape(fe.team.GeneralChannel.ID) + "/messages"
		status, out := fe.do("POST", msgs, fe.userTok, body)
		check(t, status, out)
		var created struct{ ID string }
		_ = json.Unmarshal(out, &created)
		target := fe.root
		if status == http.StatusCreated {
			target = created.ID
		}
		for _, p := range []struct{ method, path string }{
			{"POST", msgs + "/" + target + "/replies"},
			{"PATCH", msgs + "/" + target},
			{"POST", msgs + "/" + target + "/" + url.PathEscape(action)},
			{"GET", msgs + "?$top=" + url.QueryEscape(action) + "&$skiptoken=" + url.QueryEscape(string(body[:min(len(body), 16)]))},
			{"GET", "/v1.0/users?$filter=" + url.QueryEscape(string(body))},
		} {
			status, out := fe.do(p.method, p.path, fe.userTok, body)
			check(t, status, out)
		}
	})
}

func FuzzUploadPath(f *testing.F) {
	f.Add("01ABC:/report.pdf:/content")
	f.Add(":/:/content")
	f.Add("x:/a/b:/content")
	f.Fuzz(func(t *testing.T, p string) {
		parent, name, ok := parseUploadPath(p)
		if ok && (parent == "" || name == "" || strings.ContainsAny(name, "/\\\x00")) {
			t.Fatalf("accepted %q as parent %q name %q", p, parent, name)
		}
	})
}

func FuzzHTMLToText(f *testing.F) {
	f.Add(`<p>Hi <at id="0">Bob</at> &amp; <b>you</b></p><div>x<br>y</div>`)
	f.Add(`<at id="1">unterminated`)
	f.Add("\x00at\x00")
	f.Fuzz(func(t *testing.T, s string) {
		m := &message{contentType: "html", content: s}
		text, htmlCopy := activityText(m)
		if strings.Contains(text, "\x00at\x00") || strings.Contains(text, "\x00/at\x00") {
			t.Fatalf("placeholder leaked: %q", text)
		}
		_ = htmlCopy
		_ = graphHTMLFromBot(s, "plain", []string{"<at>" + s + "</at>", "<at>x</at>"})
	})
}
