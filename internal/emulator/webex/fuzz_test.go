package webex

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzAPIRequests sends arbitrary methods, paths, queries, content types
// and bodies to the REST API as a person: whatever comes in, the answer is
// a 2xx or 4xx, never a panic or a 5xx.
func FuzzAPIRequests(f *testing.F) {
	emu := New(Options{})
	f.Cleanup(emu.Close)
	org := emu.AddOrg("acme")
	ann := emu.AddPerson(org.ID, "Ann", "ann@acme.example")
	bob := emu.AddPerson(org.ID, "Bob", "bob@acme.example")
	room := emu.AddRoom(org.ID, "bridge", ann.ID, bob.ID)
	h := emu.Handler()
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete}
	for _, s := range []struct {
		method      uint8
		path, query string
		ctype, body string
	}{
		{1, "messages", "", "application/json", `{"roomId":"` + room.ID + `","markdown":"hi <@personEmail:bob@acme.example|Bob> \\<@all\\> [x](https://x.example)"}`},
		{1, "messages", "", "application/json", `{"toPersonEmail":"bob@acme.example","text":"dm"}`},
		{0, "messages", "roomId=" + room.ID + "&max=2&mentionedPeople=me&before=2026-01-01T00:00:00Z", "", ``},
		{2, "messages/x", "", "application/json", `{"roomId":"` + room.ID + `","markdown":"edit"}`},
		{1, "messages", "", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"roomId\"\r\n\r\n" + room.ID + "\r\n--b--\r\n"},
		{1, "webhooks", "", "application/json", `{"name":"w","targetUrl":"https://h.example/","resource":"messages","event":"all","filter":"roomId=` + room.ID + `","secret":"s"}`},
		{1, "rooms", "", "application/json", `{"title":"t"}`},
		{1, "memberships", "", "application/json", `{"roomId":"` + room.ID + `","personEmail":"x@acme.example"}`},
		{0, "people", "email=bob@acme.example", "", ``},
	} {
		f.Add(s.method, s.path, s.query, s.ctype, s.body)
	}
	f.Fuzz(func(t *testing.T, m uint8, path, query, ctype, body string) {
		method := methods[int(m)%len(methods)]
		u := &url.URL{Path: "/v1/" + path, RawQuery: query}
		req, err := http.NewRequest(method, u.String(), strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+ann.Token)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q → %d %s", method, u, body, rec.Code, rec.Body)
		}
	})
}
