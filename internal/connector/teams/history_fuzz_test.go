package teams

import (
	"encoding/json"
	"testing"
	"time"

	"parley/internal/core"
)

// FuzzHistoryMessage decodes arbitrary Graph chatMessage JSON, as the
// channel history listing returns it, and turns it into an event: nothing
// panics, and an event is only ever for a person's message in the channel
// asked about.
func FuzzHistoryMessage(f *testing.F) {
	f.Add([]byte(`{"id":"1700000000000","createdDateTime":"2026-11-22T10:00:00Z","from":{"user":{"id":"u1","displayName":"Ann"}},"body":{"contentType":"html","content":"<p>hi <at id=\"0\">Bob</at></p>"},"mentions":[{"id":0,"mentionText":"Bob","mentioned":{"user":{"id":"u2","displayName":"Bob"}}}]}`))
	f.Add([]byte(`{"id":"2","from":{"application":{"id":"a","displayName":"Parley"}},"body":{"contentType":"text","content":"x"}}`))
	f.Add([]byte(`{"id":"3","deletedDateTime":"2026-11-22T10:00:00Z","from":{"user":{"id":"u1"}}}`))
	f.Add([]byte(`{"id":"4","from":{"user":{"id":"u1"}},"mentions":[{"id":1000},{"id":-1}],"body":{"contentType":"html","content":"<at id=\"1000\">x</at>"}}`))
	c := &Client{conn: &Connector{cfg: Config{Now: time.Now}}, tenant: "t1", workspace: "w1"}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m chatMessage
		if json.Unmarshal(data, &m) != nil {
			return
		}
		ev, ok := c.historyEvent("19:ch@thread.tacv2", m)
		if !ok {
			return
		}
		if ev.Message == "" || ev.Source.Channel != "19:ch@thread.tacv2" || ev.Source.Workspace != "w1" || ev.Kind != core.Posted || ev.Time.IsZero() {
			t.Fatalf("event %+v from %q", ev, data)
		}
	})
}
