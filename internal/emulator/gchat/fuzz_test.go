package gchat

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		`createTime > "2023-04-21T11:30:00-04:00"`,
		`createTime > "2012-04-21T11:30:00-04:00" AND thread.name = spaces/AAAA/threads/123`,
		`(emoji.unicode = "🙂" OR emoji.unicode = "👍") AND user.name = "users/1"`,
		`event_types:"google.workspace.chat.message.v1.created"`,
		`((`, `a = "`, `AND`, `x = y AND`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		groups, err := parseFilter(s)
		if err != nil {
			return
		}
		for _, g := range groups {
			if len(g) == 0 {
				t.Fatalf("empty group from %q", s)
			}
			for _, c := range g {
				if !isOp(c.op) || c.field == "" {
					t.Fatalf("bad cond %+v from %q", c, s)
				}
			}
		}
		_, _ = messageFilter(s)
	})
}

// FuzzAPIRequests sends arbitrary bodies and query strings to the write
// methods: whatever comes in, the answer is a 2xx or 4xx, never a panic or
// a 5xx.
func FuzzAPIRequests(f *testing.F) {
	emu := New(Options{})
	f.Cleanup(emu.Close)
	emu.AddDomain("acme.example")
	alice := emu.AddUser("acme.example", "Alice", "alice@acme.example")
	sp := emu.AddSpace("acme.example", "Fuzz", alice.Name)
	h := emu.Handler()
	// A message to edit and react to.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/v1/"+sp.Name+"/messages?messageId=client-root", strings.NewReader(`{"text":"root"}`))
	req.Header.Set("Authorization", "Bearer "+alice.Token)
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		f.Fatalf("seed message: %d %s", rec.Code, rec.Body)
	}
	for _, s := range []struct{ path, query, body string }{
		{"/messages", "messageReplyOption=REPLY_MESSAGE_OR_FAIL", `{"text":"hi <users/alice@acme.example>","thread":{"threadKey":"k"}}`},
		{"/messages", "messageId=client-x&requestId=r", `{"text":"<users/all> <users/","attachment":[{"attachmentDataRef":{"attachmentUploadToken":"t"}}]}`},
		{"/messages/client-root", "updateMask=text,attachment", `{"text":"edited"}`},
		{"/messages/client-root/reactions", "", `{"emoji":{"unicode":"🙂"}}`},
		{"/messages", "filter=createTime%20%3E%20%222024-01-01T00:00:00Z%22", ``},
	} {
		f.Add(s.path, s.query, s.body)
	}
	f.Fuzz(func(t *testing.T, path, query, body string) {
		method := "POST"
		if strings.Contains(path, "client-root") && !strings.HasSuffix(path, "reactions") {
			method = "PATCH"
		}
		if strings.Contains(query, "filter") {
			method = "GET"
		}
		u := &url.URL{Path: "/v1/" + sp.Name + path, RawQuery: query}
		req, err := http.NewRequest(method, u.String(), strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+alice.Token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q → %d %s", method, u, body, rec.Code, rec.Body)
		}
	})
}

func FuzzTokenEndpoint(f *testing.F) {
	emu := New(Options{})
	f.Cleanup(emu.Close)
	emu.RegisterApp(AppSpec{ProjectNumber: "1", Name: "fuzz"})
	h := emu.Handler()
	f.Add("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
	f.Add("grant_type=password&username=a")
	f.Add("%zz")
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest {
			t.Fatalf("%q → %d %s", body, rec.Code, rec.Body)
		}
	})
}

func FuzzSubscriptionCreate(f *testing.F) {
	emu := New(Options{})
	f.Cleanup(emu.Close)
	emu.AddDomain("acme.example")
	alice := emu.AddUser("acme.example", "Alice", "alice@acme.example")
	sp := emu.AddSpace("acme.example", "Fuzz", alice.Name)
	a := emu.RegisterApp(AppSpec{ProjectNumber: "1", Name: "fuzz"})
	h := emu.Handler()
	f.Add(`{"targetResource":"//chat.googleapis.com/` + sp.Name + `","eventTypes":["google.workspace.chat.message.v1.created"],"notificationEndpoint":{"pubsubTopic":"` + a.PubSubTopic + `"},"ttl":"60s"}`)
	f.Add(`{"targetResource":"//chat.googleapis.com/spaces/-","eventTypes":["google.workspace.chat.reaction.v1.deleted"],"expireTime":"2099-01-01T00:00:00Z"}`)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/workspaceevents/v1/subscriptions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+alice.Token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%q → %d %s", body, rec.Code, rec.Body)
		}
	})
}

// FuzzSubscriptionPatch sends arbitrary renewals: never a 5xx, and
// whatever is accepted leaves the subscription within its maximum life.
func FuzzSubscriptionPatch(f *testing.F) {
	emu := New(Options{})
	f.Cleanup(emu.Close)
	emu.AddDomain("acme.example")
	alice := emu.AddUser("acme.example", "Alice", "alice@acme.example")
	sp := emu.AddSpace("acme.example", "Fuzz", alice.Name)
	a := emu.RegisterApp(AppSpec{ProjectNumber: "1", Name: "fuzz"})
	h := emu.Handler()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/workspaceevents/v1/subscriptions", strings.NewReader(`{"targetResource":"//chat.googleapis.com/`+sp.Name+
		`","eventTypes":["google.workspace.chat.message.v1.created"],"notificationEndpoint":{"pubsubTopic":"`+a.PubSubTopic+`"},"payloadOptions":{"includeResource":true}}`))
	req.Header.Set("Authorization", "Bearer "+alice.Token)
	h.ServeHTTP(rec, req)
	var op struct {
		Response struct{ Name string } `json:"response"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &op); err != nil || op.Response.Name == "" {
		f.Fatalf("seed subscription: %d %s", rec.Code, rec.Body)
	}
	name := op.Response.Name
	for _, s := range []struct{ mask, body string }{
		{"ttl", `{"ttl":"0s"}`}, {"ttl", `{"ttl":"99999999s"}`}, {"expireTime", `{"expireTime":"2999-01-01T00:00:00Z"}`},
		{"", `{"ttl":"60s","expireTime":"2999-01-01T00:00:00Z"}`}, {"eventTypes", `{}`}, {"ttl", `{"ttl":"1e400s"}`}, {"ttl,expireTime", `[`},
	} {
		f.Add(s.mask, s.body)
	}
	f.Fuzz(func(t *testing.T, mask, body string) {
		req := httptest.NewRequest("PATCH", "/workspaceevents/v1/"+name+"?updateMask="+url.QueryEscape(mask), strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+alice.Token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%q %q → %d %s", mask, body, rec.Code, rec.Body)
		}
		emu.mu.Lock()
		sub := emu.st.subs[name]
		life := sub.expire.Sub(sub.updated)
		emu.mu.Unlock()
		if life <= 0 || life > maxTTLWithResource {
			t.Fatalf("%q %q left a life of %s", mask, body, life)
		}
	})
}

// FuzzControl sends arbitrary bodies to the lifecycle controls: the answer
// is 200 or 400, never a panic or a 5xx.
func FuzzControl(f *testing.F) {
	emu := New(Options{})
	f.Cleanup(emu.Close)
	emu.AddDomain("acme.example")
	h := emu.Handler()
	for _, s := range []struct{ path, body string }{
		{"subscriptions/suspend", `{"workspace":"acme.example","reason":"OTHER"}`}, {"subscriptions/suspend", `{"workspace":""}`},
		{"pubsub", `{"held":true}`}, {"pubsub", `{"held":"yes"}`}, {"clock", `{"advance_seconds":60}`}, {"clock", `{"advance_seconds":-1}`},
	} {
		f.Add(s.path, s.body)
	}
	f.Fuzz(func(t *testing.T, path, body string) {
		switch path {
		case "subscriptions/suspend", "pubsub", "clock":
		default:
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/_emulator/"+path, strings.NewReader(body)))
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("%s %q → %d %s", path, body, rec.Code, rec.Body)
		}
	})
}
