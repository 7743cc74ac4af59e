package webex_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/secret"
)

type hookList struct {
	Items []struct {
		ID, Event, Status, TargetURL string
	}
}

// TestInstallRepairsWebhooks: a second Install re-enables a disabled
// webhook, recreates a deleted one and removes a duplicate.
func TestInstallRepairsWebhooks(t *testing.T) {
	e := newEnv(t)
	svc := e.user(e.service.Token)
	ctx := t.Context()
	var list hookList
	if err := svc.call(ctx, http.MethodGet, "webhooks", nil, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 3 {
		t.Fatalf("%d webhooks after install, want 3", len(list.Items))
	}
	target := list.Items[0].TargetURL
	byEvent := map[string]string{}
	for _, h := range list.Items {
		byEvent[h.Event] = h.ID
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(svc.call(ctx, http.MethodPut, "webhooks/"+byEvent["created"], map[string]string{"name": "x", "targetUrl": target, "status": "inactive"}, nil))
	must(svc.call(ctx, http.MethodDelete, "webhooks/"+byEvent["deleted"], nil, nil))
	must(svc.call(ctx, http.MethodPost, "webhooks", map[string]string{"name": "dup", "targetUrl": target, "resource": "messages", "event": "updated", "secret": "other"}, nil))

	ictx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := e.conn.Install(ictx, connector.Installation{Tenant: "tenant-conformance", Workspace: core.WorkspaceID(e.org.ID), Token: secret.New(e.service.Token)}); err != nil {
		t.Fatalf("reinstall: %v", err)
	}
	must(svc.call(ctx, http.MethodGet, "webhooks", nil, &list))
	seen := map[string]int{}
	for _, h := range list.Items {
		if h.Status != "active" {
			t.Errorf("%s webhook status %q", h.Event, h.Status)
		}
		seen[h.Event]++
	}
	for _, ev := range []string{"created", "updated", "deleted"} {
		if seen[ev] != 1 {
			t.Errorf("%d %s webhooks, want 1", seen[ev], ev)
		}
	}
	// The repaired webhooks deliver, signed with our secret.
	id, err := e.harness(&textLog{}).Person.Post(ctx, "after repair")
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, e, func(ev core.Event) bool { return ev.Message == id && ev.Kind == core.Posted })
}

// TestFetchFailureIsRetried: when Webex cannot be reached for the message,
// the handler answers 503 and forgets the delivery, so the redelivery is
// relayed rather than taken for a replay.
func TestFetchFailureIsRetried(t *testing.T) {
	e := newEnv(t)
	fault := func(method, body string) {
		req, _ := http.NewRequestWithContext(t.Context(), method, e.emuSrv.URL+"/_emulator/faults", stringsReader(body))
		res, err := e.emuSrv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	id, err := e.harness(&textLog{}).Person.Post(t.Context(), "fetch fails once")
	if err != nil {
		t.Fatal(err)
	}
	d := waitDelivery(t, e, string(id))
	// Replay it, forgotten as if it had never arrived, with Webex failing:
	// 503, nothing accepted, and it stays unseen.
	before := len(e.events.Events())
	fault(http.MethodPost, `{"workspace":"`+e.org.ID+`","status":503,"count":100}`)
	e.events.Forget(t.Context(), core.Webex, e.events.Events()[before-1].ID)
	if got := e.send(t, hostile{body: d.Body, header: d.Header}); got != http.StatusServiceUnavailable {
		t.Fatalf("with Webex failing: status %d, want 503", got)
	}
	if len(e.events.Events()) != before {
		t.Fatal("an event was accepted although the message could not be read")
	}
	fault(http.MethodDelete, ``)
	if got := e.send(t, hostile{body: d.Body, header: d.Header}); got != http.StatusOK {
		t.Fatalf("redelivery: status %d", got)
	}
	if len(e.events.Events()) != before+1 {
		t.Fatal("the redelivery was not relayed")
	}
}
