package router

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	slackconn "parley/internal/connector/slack"
	webexconn "parley/internal/connector/webex"
	"parley/internal/core"
	webexemu "parley/internal/emulator/webex"
	"parley/internal/richtext"
	"parley/internal/secret"
	"parley/internal/store"
)

// webexDest adds a Webex org to e, where the Slack author has an account
// with the same email, and links the Slack source channel with a room
// there instead of the second Slack workspace.
type webexDest struct {
	emu    *webexemu.Emulator
	srv    *httptest.Server
	room   webexemu.Room
	person webexemu.Person // the Slack author's Webex account
	ref    core.ChannelRef
}

func addWebex(t *testing.T, e *env) *webexDest {
	t.Helper()
	emu := webexemu.New(webexemu.Options{})
	srv := httptest.NewTLSServer(emu.Handler())
	t.Cleanup(func() { srv.Close(); emu.Close() })
	emu.SetBaseURL(srv.URL)
	org := emu.AddOrg("initech")
	w := &webexDest{emu: emu, srv: srv}
	w.person = emu.AddPerson(org.ID, "Alice Acme", e.alice.Email)
	service := emu.AddPerson(org.ID, "Parley Relay", "parley@initech.example")
	w.room = emu.AddRoom(org.ID, "shared", w.person.ID, service.ID)
	conn := webexconn.New(webexconn.Config{WebhookSecret: secret.New("w"), APIURL: emu.APIURL(), HTTPClient: srv.Client(), Logger: slog.New(slog.DiscardHandler)})
	cl, err := conn.Install(context.Background(), connector.Installation{Tenant: "t", Workspace: core.WorkspaceID(org.ID), Token: secret.New(service.Token)})
	if err != nil {
		t.Fatal(err)
	}
	e.clients[tenantWS{"t", core.WorkspaceID(org.ID)}] = cl
	w.ref = core.ChannelRef{Platform: core.Webex, Workspace: core.WorkspaceID(org.ID), Channel: core.ChannelID(w.room.ID)}
	e.r.SetLinks([]store.Link{{ID: "l", Tenant: "t", Channels: []core.ChannelRef{e.src, w.ref}}})
	return w
}

type webexMessage struct {
	ID              string   `json:"id"`
	ParentID        string   `json:"parentId"`
	Markdown        string   `json:"markdown"`
	MentionedPeople []string `json:"mentionedPeople"`
}

// messages lists the room as the person sees it, oldest first.
func (w *webexDest) messages(t *testing.T) []webexMessage {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.emu.APIURL()+"/messages?max=1000&roomId="+w.room.ID, nil)
	req.Header.Set("Authorization", "Bearer "+w.person.Token)
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Items []webexMessage }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("list messages: %d, %v", resp.StatusCode, err)
	}
	slices.Reverse(out.Items)
	return out.Items
}

// longBody is about n characters of mrkdwn: numbered lines with a mention
// of who, a link and a code span each, and code blocks, one of them too
// long for one Webex message. It returns the number of lines and of lines
// of code.
func longBody(n int, who, tag string) (string, int, int) {
	var b strings.Builder
	lines, code := 0, 0
	for ; b.Len() < n; lines++ {
		fmt.Fprintf(&b, "%s line %d for <@%s> see <https://example.com/%d|the page %d> and run `make check %d` before merging it.\n", tag, lines, who, lines, lines, lines)
		if k := map[int]int{20: 30, 45: 500}[lines]; k > 0 {
			b.WriteString("```\n" + strings.Repeat(fmt.Sprintf("code of block %d\n", lines), k) + "```\n")
			code += k
		}
	}
	return b.String(), lines, code
}

// checkParts asserts what a Webex reader sees: parts in order, the first
// top-level and the rest in its thread, every part within Webex's limit,
// each line whole in exactly one part with its mention native, its link
// and its code span intact, and code blocks closed in every part.
func (w *webexDest) checkParts(t *testing.T, tag string, lines, code, minParts int) []webexMessage {
	t.Helper()
	msgs := w.messages(t)
	inCode := 0
	for _, m := range msgs {
		inCode += strings.Count(m.Markdown, "code of block")
	}
	if inCode != code {
		t.Errorf("%d lines of code in Webex, want %d", inCode, code)
	}
	if len(msgs) < minParts {
		t.Fatalf("%d messages in Webex, want %d parts or more", len(msgs), minParts)
	}
	for i, m := range msgs {
		if len(m.Markdown) > 7439 {
			t.Errorf("part %d: %d bytes", i, len(m.Markdown))
		}
		if (i == 0) != (m.ParentID == "") || i > 0 && m.ParentID != msgs[0].ID {
			t.Errorf("part %d: parent %q, first part %q", i, m.ParentID, msgs[0].ID)
		}
		if strings.Count(m.Markdown, "```")%2 != 0 {
			t.Errorf("part %d: a code block is not closed", i)
		}
		if strings.Count(m.Markdown, "<@") > 0 && !slices.Contains(m.MentionedPeople, w.person.ID) {
			t.Errorf("part %d: mentions are not native", i)
		}
	}
	at := 0
	for l := range lines {
		want := fmt.Sprintf("%s line %d for <@personId:%s|", tag, l, w.person.ID)
		found := -1
		for i, m := range msgs {
			if strings.Contains(m.Markdown, want) {
				if found >= 0 {
					t.Fatalf("line %d is in parts %d and %d", l, found, i)
				}
				found = i
			}
		}
		if found < at {
			t.Fatalf("line %d: in part %d, after part %d (missing or out of order)", l, found, at)
		}
		at = found
		for _, s := range []string{fmt.Sprintf("(https://example.com/%d)", l), fmt.Sprintf("`make check %d`", l)} {
			if !strings.Contains(msgs[found].Markdown, s) {
				t.Fatalf("line %d: %q not intact in its part", l, s)
			}
		}
	}
	return msgs
}

// TestLongMessageSplitsForWebex: a 20,000-character Slack message reaches
// Webex (7,439 bytes a message) as parts in order, none broken; an edit
// re-splits it (shorter: surplus parts go; longer: new parts follow); a
// delete removes every part; a redelivery duplicates nothing.
func TestLongMessageSplitsForWebex(t *testing.T) {
	e := newEnv(t)
	w := addWebex(t, e)
	ctx := context.Background()
	text, lines, code := longBody(20000, e.alice.ID, "first")
	ev := core.Event{ID: "Ev1", Kind: core.Posted, Tenant: "t", Source: e.src, Message: "1700000000.000300",
		Author: core.Author{ID: core.UserID(e.alice.ID)}, Body: richtext.ParseMrkdwn(text), Time: time.Now()}
	if err := e.route(t, ev); err != nil {
		t.Fatal(err)
	}
	first := w.checkParts(t, "first", lines, code, 3)

	t.Run("redelivery", func(t *testing.T) {
		if err := e.route(t, ev); err != nil {
			t.Fatal(err)
		}
		if n := len(w.messages(t)); n != len(first) {
			t.Fatalf("%d messages after a redelivery, want %d", n, len(first))
		}
	})
	t.Run("reply attaches to the first part", func(t *testing.T) {
		id, err := e.msgs.Find(ctx, "t", ev.MessageRef(), w.ref)
		if err != nil || string(id) != first[0].ID {
			t.Fatalf("Find = %q, %v; want the first part %q", id, err, first[0].ID)
		}
	})
	edit := func(t *testing.T, n int, tag string) (int, int) {
		t.Helper()
		text, lines, code := longBody(n, e.alice.ID, tag)
		ed := ev
		ed.ID, ed.Kind, ed.Body = core.EventID("Ev-"+tag), core.Edited, richtext.ParseMrkdwn(text)
		if err := e.route(t, ed); err != nil {
			t.Fatal(err)
		}
		return lines, code
	}
	t.Run("edit shorter", func(t *testing.T) {
		lines, code := edit(t, 5000, "shorter")
		msgs := w.checkParts(t, "shorter", lines, code, 1)
		if len(msgs) >= len(first) || msgs[0].ID != first[0].ID {
			t.Fatalf("%d parts (first %q), want fewer than %d, the first kept", len(msgs), msgs[0].ID, len(first))
		}
	})
	t.Run("edit longer", func(t *testing.T) {
		lines, code := edit(t, 40000, "longer")
		msgs := w.checkParts(t, "longer", lines, code, len(first)+1)
		if msgs[0].ID != first[0].ID {
			t.Fatal("the first part was replaced")
		}
	})
	t.Run("delete", func(t *testing.T) {
		del := ev
		del.ID, del.Kind, del.Body = "Ev-delete", core.Deleted, richtext.Doc{}
		if err := e.route(t, del); err != nil {
			t.Fatal(err)
		}
		if msgs := w.messages(t); len(msgs) != 0 {
			t.Fatalf("%d parts left after the delete", len(msgs))
		}
	})
}

// TestShortMessageIsOnePart: what fits is posted as it always was.
func TestShortMessageIsOnePart(t *testing.T) {
	e := newEnv(t)
	w := addWebex(t, e)
	if err := e.route(t, posted(e.src, "1700000000.000400", "short and sweet", core.UserID(e.alice.ID))); err != nil {
		t.Fatal(err)
	}
	msgs := w.messages(t)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Markdown, "short and sweet") {
		t.Fatalf("messages = %+v", msgs)
	}
}

// smallSlack is the Slack client with a tiny limit, so that a few lines
// make a message in parts.
type smallSlack struct {
	*slackconn.Client
	limit int
}

func (s smallSlack) Fits(m connector.Message) bool {
	return len(richtext.RenderMrkdwn(m.Body)) <= s.limit
}

// thread returns the texts of the destination's top-level messages and of
// the replies in the thread of the first, in order.
func (e *env) thread(t *testing.T) (top, replies []string) {
	t.Helper()
	api := slack.New(e.bob.Token, slack.OptionAPIURL(e.api), slack.OptionHTTPClient(e.srv.Client()))
	h, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: string(e.dst.Channel), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(h.Messages) - 1; i >= 0; i-- {
		top = append(top, h.Messages[i].Text)
	}
	if len(h.Messages) == 0 {
		return top, nil
	}
	msgs, _, _, err := api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: string(e.dst.Channel), Timestamp: h.Messages[len(h.Messages)-1].Timestamp})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs[1:] {
		replies = append(replies, m.Text)
	}
	return top, replies
}

// TestPartsRetryAfterUnknownOutcome: an earlier attempt posted the first
// part and recorded it, posted the second and died before recording it.
// The retry finds the second by its part's key and posts only the third.
func TestPartsRetryAfterUnknownOutcome(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	dst := e.clients[tenantWS{"t", e.dst.Workspace}].(*slackconn.Client)
	small := smallSlack{Client: dst, limit: 30}
	e.clients[tenantWS{"t", e.dst.Workspace}] = small
	ev := posted(e.src, "1700000000.000500", "part-one alpha beta\npart-two gamma delta\npart-three epsilon", core.UserID(e.alice.ID))

	// The earlier attempt, up to the moment the process died.
	msg, err := e.r.render(ctx, ev, e.dst)
	if err != nil {
		t.Fatal(err)
	}
	parts := split(small, msg)
	if len(parts) != 3 {
		t.Fatalf("%d parts, want 3", len(parts))
	}
	key, err := e.msgs.DeliveryKey(ctx, "t", ev.MessageRef(), e.dst)
	if err != nil {
		t.Fatal(err)
	}
	var first core.MessageID
	for i := range 2 {
		if _, err := e.msgs.FirstAttempt(ctx, partKey(key, i)); err != nil {
			t.Fatal(err)
		}
		m := parts[i]
		m.Key = partKey(key, i)
		id, err := send(ctx, dst, e.dst.Channel, first, m)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = id
			if err := e.msgs.RecordPart(ctx, "t", ev.MessageRef(), core.MessageRef{ChannelRef: e.dst, Message: id}, 0); err != nil {
				t.Fatal(err)
			}
		}
	}

	// The retry.
	if err := e.route(t, ev); err != nil {
		t.Fatal(err)
	}
	top, replies := e.thread(t)
	if len(top) != 1 || !strings.Contains(top[0], "part-one") {
		t.Fatalf("top-level messages: %q", top)
	}
	if len(replies) != 2 || !strings.Contains(replies[0], "part-two") || !strings.Contains(replies[1], "part-three") {
		t.Fatalf("replies: %q", replies)
	}
	ids, err := e.msgs.FindParts(ctx, "t", ev.MessageRef(), e.dst)
	if err != nil || len(ids) != 3 || ids[0] != first {
		t.Fatalf("FindParts = %v, %v", ids, err)
	}
}
