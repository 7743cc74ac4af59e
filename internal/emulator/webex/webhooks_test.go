package webex_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	webexemu "parley/internal/emulator/webex"
)

// sha1Hex is the signature computed independently of the emulator's code.
func sha1Hex(secret string, body []byte) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func TestWebhookDelivery(t *testing.T) {
	w := newWorld(t, webexemu.Options{})
	hookID := w.register(t, w.bob.Token, "all", "s3cret")
	var root, reply msg
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": "secret words"}, &root)
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "parentId": root.ID, "text": "more"}, &reply)
	w.do(t, w.ann.Token, "PUT", "messages/"+root.ID, map[string]string{"roomId": w.room.ID, "text": "changed"}, nil)
	w.do(t, w.ann.Token, "DELETE", "messages/"+root.ID, nil, nil)
	waitFor(t, "four deliveries", func() bool { return len(w.got.all()) >= 4 })

	want := []struct{ event, id, parent string }{
		{"created", root.ID, ""}, {"created", reply.ID, root.ID}, {"updated", root.ID, ""}, {"deleted", root.ID, ""},
	}
	for i, p := range w.got.all()[:4] {
		if p.sig != sha1Hex("s3cret", p.body) {
			t.Errorf("delivery %d: signature %q does not match", i, p.sig)
		}
		if strings.Contains(string(p.body), "secret words") || strings.Contains(string(p.body), `"text"`) {
			t.Errorf("delivery %d carries text: %s", i, p.body)
		}
		var hp hookPayload
		if err := json.Unmarshal(p.body, &hp); err != nil {
			t.Fatal(err)
		}
		if hp.ID != hookID || hp.Resource != "messages" || hp.Event != want[i].event || hp.Data.ID != want[i].id ||
			hp.Data.ParentID != want[i].parent || hp.Data.PersonID != w.ann.ID || hp.Data.RoomID != w.room.ID {
			t.Errorf("delivery %d = %+v, want %+v", i, hp, want[i])
		}
	}
}

func TestWebhookBotSeesOnlyMentions(t *testing.T) {
	w := newWorld(t, webexemu.Options{})
	w.register(t, w.bot.Token, "created", "")
	var plain, mention msg
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": "not for bots"}, &plain)
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "markdown": "<@personEmail:" + w.bot.Email + "|Relay Bot> hi"}, &mention)
	waitFor(t, "mention delivered", func() bool { return len(w.got.all()) >= 1 })
	// A person's later post is delivered to nobody here; the mention was
	// queued after the plain post, so the plain post had its chance.
	for _, p := range w.got.all() {
		if strings.Contains(string(p.body), plain.ID) {
			t.Fatal("the bot's webhook fired for a message that does not mention it")
		}
		if p.sig != "" {
			t.Fatal("signed without a secret")
		}
	}
}

func TestWebhookDisabledAndRepaired(t *testing.T) {
	w := newWorld(t, webexemu.Options{RetryDelays: []time.Duration{}})
	id := w.register(t, w.bob.Token, "created", "k")
	w.got.setStatus(http.StatusInternalServerError)
	// The webhooks guide: 100 failed deliveries within 5 minutes disable
	// a webhook; 99 do not.
	var h struct{ Status, Name, TargetURL string }
	for range 99 {
		w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": "x"}, nil)
	}
	waitFor(t, "99 failed deliveries", func() bool { return len(w.got.all()) >= 99 })
	if w.do(t, w.bob.Token, "GET", "webhooks/"+id, nil, &h); h.Status != "active" {
		t.Fatalf("status after 99 failures %q, want active", h.Status)
	}
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": "x"}, nil)
	waitFor(t, "webhook disabled", func() bool {
		w.do(t, w.bob.Token, "GET", "webhooks/"+id, nil, &h)
		return h.Status == "disabled"
	})
	w.got.setStatus(http.StatusOK)
	n := len(w.got.all())
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": "lost"}, nil)
	w.do(t, w.bob.Token, "PUT", "webhooks/"+id, map[string]string{"name": "parley", "targetUrl": w.target.URL + "/hook", "status": "active"}, &h)
	if h.Status != "active" {
		t.Fatalf("status after PUT %q", h.Status)
	}
	var m msg
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": "back"}, &m)
	waitFor(t, "delivery after repair", func() bool {
		for _, p := range w.got.all()[n:] {
			if strings.Contains(string(p.body), m.ID) {
				return true
			}
		}
		return false
	})
	var list struct{ Items []struct{ ID string } }
	w.do(t, w.ann.Token, "GET", "webhooks", nil, &list)
	if len(list.Items) != 0 {
		t.Fatal("webhooks listed to someone who did not create them")
	}
	if res := w.do(t, w.ann.Token, "DELETE", "webhooks/"+id, nil, nil); res.StatusCode != 404 {
		t.Fatalf("deleting another's webhook: %d", res.StatusCode)
	}
	if res := w.do(t, w.bob.Token, "DELETE", "webhooks/"+id, nil, nil); res.StatusCode != 204 {
		t.Fatalf("delete: %d", res.StatusCode)
	}
}

func TestWebhookRetry(t *testing.T) {
	w := newWorld(t, webexemu.Options{RetryDelays: []time.Duration{10 * time.Millisecond}})
	w.register(t, w.bob.Token, "created", "k")
	w.got.setStatus(http.StatusServiceUnavailable)
	var m msg
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": "x"}, &m)
	waitFor(t, "first attempt", func() bool { return len(w.got.all()) >= 1 })
	w.got.setStatus(http.StatusOK)
	waitFor(t, "redelivery", func() bool { return len(w.got.all()) >= 2 })
	all := w.got.all()
	if string(all[0].body) != string(all[1].body) || all[0].sig != all[1].sig {
		t.Fatal("a redelivery differs from the first attempt")
	}
}
