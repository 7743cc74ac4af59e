package router

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/core"
	"parley/internal/policy"
	"parley/internal/store"
)

// setPolicy compiles doc and puts it in force for tenant t.
func (e *env) setPolicy(t *testing.T, doc string) {
	t.Helper()
	var d policy.Document
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatal(err)
	}
	if err := d.Validate([]string{"l"}); err != nil {
		t.Fatal(err)
	}
	s, err := policy.Compile(d)
	if err != nil {
		t.Fatal(err)
	}
	e.r.SetPolicies(map[core.TenantID]*policy.Set{"t": s})
}

// say posts text as alice in the source channel, for real, so a notice
// can be threaded under it, and returns the event Slack would send.
func (e *env) say(t *testing.T, text string) core.Event {
	t.Helper()
	api := slack.New(e.alice.Token, slack.OptionAPIURL(e.api), slack.OptionHTTPClient(e.srv.Client()))
	_, ts, err := api.PostMessage(string(e.src.Channel), slack.MsgOptionText(text, false))
	if err != nil {
		t.Fatal(err)
	}
	return posted(e.src, ts, text, core.UserID(e.alice.ID))
}

// awaitNotice waits for a reply in ev's thread at the source containing
// want, as alice sees it.
func (e *env) awaitNotice(t *testing.T, ev core.Event, want string) string {
	t.Helper()
	api := slack.New(e.alice.Token, slack.OptionAPIURL(e.api), slack.OptionHTTPClient(e.srv.Client()))
	deadline := time.Now().Add(30 * time.Second)
	for {
		msgs, _, _, err := api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: string(e.src.Channel), Timestamp: string(ev.Message)})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Timestamp != string(ev.Message) && strings.Contains(m.Text, want) {
				return m.Text
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no notice containing %q in the sender's thread (%d messages)", want, len(msgs))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestPolicyBlocksAndTellsTheSender(t *testing.T) {
	e := newEnv(t)
	var hits []policy.Finding
	e.r.policyHit = func(_ core.TenantID, link core.LinkID, _ core.ChannelRef, f policy.Finding) { hits = append(hits, f) }
	e.setPolicy(t, `{"links":{"l":{"rules":[{"detector":"payment_card","action":"block"}]}}}`)
	ev := e.say(t, "blocked-card 4111 1111 1111 1111 thanks")
	if err := e.route(t, ev); err != nil {
		t.Fatal(err)
	}
	notice := e.awaitNotice(t, ev, "payment card number")
	if strings.Contains(notice, "4111") {
		t.Fatalf("the notice repeats the number: %q", notice)
	}
	if n := e.count(t, "blocked-card"); n != 0 {
		t.Fatalf("a blocked message reached the destination %d times", n)
	}
	if len(hits) != 1 || hits[0].Action != policy.ActionBlock || hits[0].Count != 1 {
		t.Fatalf("policy hits %+v", hits)
	}
	// Another tenant's policy does not apply; without one the same text
	// crosses.
	e.r.SetPolicies(nil)
	ev2 := e.say(t, "unblocked-card 4111 1111 1111 1111")
	if err := e.route(t, ev2); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, "unblocked-card 4111 1111 1111 1111"); n != 1 {
		t.Fatalf("without a policy: %d copies", n)
	}
}

func TestPolicyRedactsCopies(t *testing.T) {
	e := newEnv(t)
	e.setPolicy(t, `{"tenant":{"rules":[{"detector":"iban","action":"redact"},{"detector":"secret","action":"redact"}]}}`)
	ev := e.say(t, "redacted-iban GB82 WEST 1234 5698 7654 32 and AKIAIOSFODNN7EXAMPLE")
	if err := e.route(t, ev); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, "redacted-iban [bank account number (IBAN) redacted] and [secret or access key redacted]"); n != 1 {
		t.Fatalf("%d masked copies", n)
	}
	if e.count(t, "GB82") != 0 || e.count(t, "AKIA") != 0 {
		t.Fatal("a copy shows what was redacted")
	}
	// The edit is masked too.
	edit := ev
	edit.Kind, edit.ID = core.Edited, "Ev-edit"
	edit.Body = posted(e.src, "", "redacted-iban now DE89 3704 0044 0532 0130 00", "").Body
	if err := e.route(t, edit); err != nil {
		t.Fatal(err)
	}
	if e.count(t, "redacted-iban now [bank account number (IBAN) redacted]") != 1 || e.count(t, "DE89") != 0 {
		t.Fatal("the edit was not masked")
	}
}

func TestPolicyHoldsBackFiles(t *testing.T) {
	e := newEnv(t)
	e.setPolicy(t, `{"links":{"l":{"files":{"enabled":false}}}}`)
	ev := e.say(t, "text-with-file")
	ev.Files = []core.FileRef{{ID: "F1", Name: "plan.pdf", Size: 10, URL: "https://files.slack.com/x"}}
	if err := e.route(t, ev); err != nil {
		t.Fatal(err)
	}
	e.awaitNotice(t, ev, `"plan.pdf": file sharing is turned off here`)
	if e.count(t, "text-with-file") != 1 || e.count(t, "plan.pdf") != 0 {
		t.Fatal("the text should cross without the file, and without a note about it")
	}

	// Off for guests: a member's file goes on to be fetched (and fails
	// here, so a note shows), a guest's is held back.
	e.setPolicy(t, `{"links":{"l":{"files":{"guests":false}}}}`)
	guest := e.say(t, "guest-file")
	guest.Author.Guest = true
	guest.Files = []core.FileRef{{ID: "F2", Name: "guest.pdf", Size: 10, URL: "https://files.slack.com/y"}}
	if err := e.route(t, guest); err != nil {
		t.Fatal(err)
	}
	e.awaitNotice(t, guest, "guests may not share files here")
	if e.count(t, "guest.pdf") != 0 {
		t.Fatal("a guest's file crossed")
	}
}

func TestRestrictedPersonStaysInTheirWorkspace(t *testing.T) {
	e := newEnv(t)
	// A second channel in alice's own workspace joins the room.
	inside := e.emu.AddChannel(string(e.src.Workspace), "internal", e.alice.ID)
	if err := e.emu.Invite(string(e.src.Workspace), inside.ID, e.bots[e.src.Workspace]); err != nil {
		t.Fatal(err)
	}
	own := core.ChannelRef{Platform: core.Slack, Workspace: e.src.Workspace, Channel: core.ChannelID(inside.ID)}
	e.r.SetLinks([]store.Link{{ID: "l", Tenant: "t", Channels: []core.ChannelRef{e.src, e.dst, own}}})
	// The event carries no email: the router looks alice up.
	e.setPolicy(t, `{"links":{"l":{"restricted_people":["`+strings.ToUpper(e.alice.Email)+`"]}}}`)
	ev := e.say(t, "restricted-post")
	if err := e.route(t, ev); err != nil {
		t.Fatal(err)
	}
	e.awaitNotice(t, ev, "outside your company")
	if e.count(t, "restricted-post") != 0 {
		t.Fatal("a restricted person's message left their workspace")
	}
	api := slack.New(e.alice.Token, slack.OptionAPIURL(e.api), slack.OptionHTTPClient(e.srv.Client()))
	h, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: inside.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Messages) != 1 || !strings.Contains(h.Messages[0].Text, "restricted-post") {
		t.Fatalf("the channel in their own workspace did not get it: %+v", h.Messages)
	}
}
