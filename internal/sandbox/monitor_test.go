package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// alertsOf lists the demo tenant's alerts through the API, as its auditor.
func (w *world) alertsOf() []struct{ Kind, Link, Detail string } {
	var out struct {
		Alerts []struct{ Kind, Link, Detail string } `json:"alerts"`
	}
	if err := json.Unmarshal([]byte(w.admin("/api/v1/tenants/demo/alerts")), &out); err != nil {
		w.t.Fatal(err)
	}
	return out.Alerts
}

// sinkReceived is what the stand-in SIEM received.
func (w *world) sinkReceived() []ReceivedAlert {
	w.t.Helper()
	res, err := w.client.Get(w.m.Admin.AlertSink.ReceivedURL)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	var out []ReceivedAlert
	b, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		w.t.Fatalf("received: %v %s", err, b)
	}
	return out
}

// TestFileLimit: posting files faster than the link's hard limit raises
// an alert visible through the API and at the SIEM webhook, signed; with
// action block the link stops relaying (senders are told) until an admin
// releases it.
func TestFileLimit(t *testing.T) {
	w := startWorld(t)
	link := w.m.Links[0].ID
	acme, globex := w.ws("acme"), w.ws("globex")
	acmeCh, globexCh := w.linked(acme), w.linked(globex)
	alice := w.person(acme, "alice")
	upload := func(note string) {
		t.Helper()
		content := []byte("file " + note)
		if _, err := w.api(alice).UploadFileContext(context.Background(), slack.UploadFileParameters{
			Reader: bytes.NewReader(content), FileSize: len(content), Filename: note + ".txt", Channel: acmeCh, InitialComment: note,
		}); err != nil {
			t.Fatal(err)
		}
	}
	hasAlert := func(kind string) bool {
		for _, a := range w.alertsOf() {
			if a.Kind == kind && a.Link == link {
				return true
			}
		}
		return false
	}

	w.putPolicy(`{"links":{"` + link + `":{"limits":{"files_per_hour":2,"action":"alert"}}},"alert_webhook":"` + w.m.Admin.AlertSink.URL + `"}`)
	for i := range 3 {
		upload("f" + string(rune('a'+i)) + "-" + randomHex(3))
	}
	start := time.Now()
	w.poll("limit alert through the API", func() bool { return hasAlert("limit.files_per_hour") })
	w.poll("limit alert at the webhook", func() bool {
		for _, r := range w.sinkReceived() {
			if r.Alert.Kind == "limit.files_per_hour" && r.Alert.Tenant == "demo" && r.Alert.Link == link {
				if !r.Verified {
					t.Fatal("the webhook post's signature does not verify")
				}
				return true
			}
		}
		return false
	})
	t.Logf("alert through the API and at the webhook %s after the third file was posted", time.Since(start).Round(time.Millisecond))
	if strings.Contains(w.admin("/metrics"), `parley_alerts_total{kind="limit.files_per_hour"} 1`) == false {
		t.Fatal("the alert is not counted in the metrics")
	}

	// With block, the next file over the limit quarantines the link.
	w.putPolicy(`{"links":{"` + link + `":{"limits":{"files_per_hour":2,"action":"block"}}},"alert_webhook":"` + w.m.Admin.AlertSink.URL + `"}`)
	upload("over-" + randomHex(3))
	w.poll("quarantine alert", func() bool { return hasAlert("quarantine") })
	paused := "paused-" + randomHex(4)
	_, ts, err := w.api(alice).PostMessage(acmeCh, slack.MsgOptionText(paused, false))
	if err != nil {
		t.Fatal(err)
	}
	w.awaitSlackNotice(acme, acmeCh, ts, "paused sharing")
	if msgs, err := w.history(w.reader(globex, 0), globexCh); err != nil || find(msgs, paused) != nil {
		t.Fatalf("a quarantined link relayed (%v)", err)
	}
	// Release: relaying resumes.
	req, _ := http.NewRequest(http.MethodPost, w.m.Admin.APIURL+"tenants/demo/links/"+link+"/release", nil)
	req.Header.Set("Authorization", "Bearer "+w.adminToken("demo", "admin"))
	res, err := w.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), `"released":true`) {
		t.Fatalf("release: %d %s", res.StatusCode, b)
	}
	resumed := "resumed-" + randomHex(4)
	if _, _, err := w.api(alice).PostMessage(acmeCh, slack.MsgOptionText(resumed, false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, globexCh, "a message after the release", func(msgs []slack.Message) bool { return find(msgs, resumed) != nil })

	// A burst of forged Slack signatures from one source raises an
	// installation alert.
	for range 25 {
		req, _ := http.NewRequest(http.MethodPost, w.m.Gateway.Inbound["slack"], strings.NewReader(`{"type":"event_callback"}`))
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
		req.Header.Set("X-Slack-Signature", "v0=forged")
		res, err := w.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized && res.StatusCode != http.StatusForbidden {
			t.Fatalf("a forged signature got %d", res.StatusCode)
		}
	}
	w.poll("burst alert", func() bool {
		req, _ := http.NewRequest(http.MethodGet, w.m.Admin.APIURL+"installation/alerts", nil)
		req.Header.Set("Authorization", "Bearer "+w.m.Gateway.AdminToken)
		res, err := w.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode == 200 && strings.Contains(string(b), `"kind":"auth.rejected_burst"`)
	})
}
