package gchat

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	workspaceevents "google.golang.org/api/workspaceevents/v1"
)

// FuzzPush feeds arbitrary push bodies through the parser and the
// translator: nothing may panic, and whatever is relayed must name a
// message in the watched space.
func FuzzPush(f *testing.F) {
	data := base64.StdEncoding.EncodeToString([]byte(`{"message":{"name":"spaces/S/messages/M","createTime":"2026-11-22T10:00:00Z","formattedText":"*hi* <users/1>","thread":{"name":"spaces/S/threads/T"},"threadReply":true,"sender":{"name":"users/1","type":"HUMAN"},"attachment":[{"contentName":"a","attachmentDataRef":{"resourceName":"r"}}]}}`))
	react := base64.StdEncoding.EncodeToString([]byte(`{"reaction":{"name":"spaces/S/messages/M/reactions/R","user":{"name":"users/1"},"emoji":{"unicode":"👍"}}}`))
	for _, typ := range relayedTypes {
		f.Add(`{"message":{"attributes":{"ce-id":"1","ce-type":"` + typ + `","ce-time":"2026-11-22T10:00:00Z","ce-subject":"//chat.googleapis.com/spaces/S"},"data":"` + data + `"}}`)
		f.Add(`{"message":{"attributes":{"ce-id":"2","ce-type":"` + typ + `","ce-time":"2026-11-22T10:00:00Z"},"data":"` + react + `"}}`)
	}
	f.Add(`{}`)
	f.Add(`{"message":{"data":"!!"}}`)
	f.Fuzz(func(t *testing.T, body string) {
		ce, err := parsePush([]byte(body))
		if err != nil {
			return
		}
		id := newIdentity("t", "d", time.Now)
		ev, ok := translate(context.Background(), ce, id, func(context.Context, string) string { return "" })
		if !ok {
			return
		}
		if ev.Message == "" || spaceOf(string(ev.Message)) != string(ev.Source.Channel) || ev.Time.IsZero() {
			t.Fatalf("relayed a malformed event %+v from %q", ev, body)
		}
	})
}

// FuzzLifecycle feeds arbitrary pushes to the subscription keeper of a
// watched space: nothing may panic, and whatever it takes in leaves the
// space with a step to take.
func FuzzLifecycle(f *testing.F) {
	sub := base64.StdEncoding.EncodeToString([]byte(`{"subscription":{"name":"subscriptions/S1","expireTime":"2026-11-22T14:00:00Z","expire_time":"x"}}`))
	for _, typ := range []string{ceExpirationReminder, ceExpired, ceSuspended, ceLifecyclePrefix + "somethingNew"} {
		f.Add(`{"message":{"attributes":{"ce-id":"1","ce-type":"` + typ + `","ce-time":"2026-11-22T13:00:00Z","ce-source":"//workspaceevents.googleapis.com/subscriptions/S1"},"data":"` + sub + `"}}`)
		f.Add(`{"message":{"attributes":{"ce-id":"2","ce-type":"` + typ + `","ce-source":"//workspaceevents.googleapis.com/subscriptions/S1"},"data":""}}`)
	}
	f.Fuzz(func(t *testing.T, body string) {
		ce, err := parsePush([]byte(body))
		if err != nil {
			return
		}
		c := New(Config{})
		cl := &Client{conn: c, id: newIdentity("t", "d", time.Now), watched: map[string]bool{}}
		c.subs.track("spaces/S", cl, &workspaceevents.Subscription{Name: "subscriptions/S1",
			UpdateTime: "2026-11-22T10:00:00Z", ExpireTime: "2026-11-22T14:00:00Z", State: "ACTIVE"}, true)
		c.subs.lifecycle(ce)
		w := c.subs.spaces["spaces/S"]
		if w.next > stepNone || (w.name == "" && w.next != stepSubscribe) {
			t.Fatalf("after %q: step %s, subscription %q", body, w.next, w.name)
		}
	})
}
