package teams_test

import (
	"net/http"
	"testing"

	"parley/internal/core"
)

// FuzzHandler sends arbitrary activities, with a valid Bot Connector
// token, through the whole inbound path (decoding, the serviceUrl check,
// install lookup, translation, delivery): nothing panics, every answer is
// one the Bot Connector understands (never a 500), and whatever is relayed
// comes from the installed tenant.
func FuzzHandler(f *testing.F) {
	a := newAuthEnv(f)
	tok := "Bearer " + sign(f, a.claims(), "good", a.keys.good)
	f.Add(mustJSON(f, a.activity("1", "hello <at>Ann</at> <users/all>")))
	act := a.activity("2", "<p>x</p>")
	act["textFormat"] = "xml"
	act["entities"] = []any{map[string]any{"type": "mention", "text": "<at>Ann</at>", "mentioned": map[string]any{"id": "29:x", "name": "Ann"}}}
	f.Add(mustJSON(f, act))
	upd := a.activity("3", "edited")
	upd["type"] = "messageUpdate"
	f.Add(mustJSON(f, upd))
	react := a.activity("4", "")
	react["type"] = "messageReaction"
	react["reactionsAdded"] = []any{map[string]any{"type": "like"}}
	f.Add(mustJSON(f, react))
	f.Add([]byte(`{"type":"message","channelId":"msteams"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		before := len(a.events.Events())
		if code := a.post(t, tok, body); code >= 500 && code != http.StatusServiceUnavailable {
			t.Fatalf("answered %d to %q", code, body)
		}
		for _, ev := range a.events.Events()[before:] {
			if ev.Source.Workspace != core.WorkspaceID(a.tenant.ID) {
				t.Fatalf("relayed %+v from another tenant: %q", ev.Source, body)
			}
		}
	})
}
