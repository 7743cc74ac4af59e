package webex_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"parley/internal/core"
)

// FuzzHandler sends arbitrary signed deliveries through the whole relay
// path (signature, envelope, install lookup, the message fetch from the
// emulator, translation, delivery): nothing panics, every answer is one
// Webex understands (never a 500), and whatever is relayed comes from the
// installed org.
func FuzzHandler(f *testing.F) {
	e := newEnv(f)
	seed := func(event, id string) []byte {
		b, err := json.Marshal(map[string]any{
			"id": "wh-1", "name": "parley", "resource": "messages", "event": event, "orgId": e.org.ID,
			"data": map[string]any{"id": id, "roomId": e.room.ID, "personId": e.person.ID, "personEmail": e.person.Email},
		})
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	f.Add(seed("created", "bm90LWEtbWVzc2FnZQ"))
	f.Add(seed("updated", "x"))
	f.Add(seed("deleted", "x"))
	f.Add([]byte(`{"resource":"messages","event":"created","data":{}}`))
	f.Add([]byte(`{}`))
	handler := e.appSrv.Config.Handler
	f.Fuzz(func(t *testing.T, body []byte) {
		before := len(e.events.Events())
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/webex/webhooks", bytes.NewReader(body))
		req.Header = sparkSign(webhookSecret, body)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("answered %d to %q", rec.Code, body)
		}
		for _, ev := range e.events.Events()[before:] {
			if ev.Source.Workspace != core.WorkspaceID(e.org.ID) {
				t.Fatalf("relayed %+v from another org: %q", ev.Source, body)
			}
		}
	})
}
