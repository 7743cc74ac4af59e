package conformance

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"parley/internal/connector"
	"parley/internal/core"
)

// about matches events of kind about message id.
func about(kind core.Kind, id core.MessageID) func(core.Event) bool {
	return func(ev core.Event) bool { return ev.Kind == kind && ev.Message == id }
}

// checkFrom verifies what every inbound event must carry: a delivery ID,
// the harness's channel and the person as author.
func (s *suite) checkFrom(t *testing.T, ev core.Event) {
	t.Helper()
	if ev.ID == "" {
		t.Error("event has no delivery ID")
	}
	if ev.Tenant != s.h.Tenant {
		t.Errorf("event tenant %q, want %q", ev.Tenant, s.h.Tenant)
	}
	if ev.Source != s.h.Channel {
		t.Errorf("event source %v, want %v", ev.Source, s.h.Channel)
	}
	if ev.Author.ID != s.h.Person.ID() {
		t.Errorf("event author %q, want %q", ev.Author.ID, s.h.Person.ID())
	}
	if ev.Time.IsZero() {
		t.Error("event has no time")
	}
}

func checkBody(t *testing.T, ev core.Event, want string) {
	t.Helper()
	if got := plain(ev.Body); !strings.Contains(got, want) {
		t.Errorf("event body %q does not contain %q", got, want)
	}
}

func (s *suite) inboundPost(t *testing.T) {
	text := "inbound " + nonce(t)
	id, err := s.h.Person.Post(s.ctx(t), text)
	if err != nil {
		t.Fatalf("person post: %v", err)
	}
	ev := s.waitEvent(t, "posted event", about(core.Posted, id))
	s.checkFrom(t, ev)
	checkBody(t, ev, text)
	if ev.Thread != "" {
		t.Errorf("top-level post has thread %q", ev.Thread)
	}
}

func (s *suite) inboundReply(t *testing.T) {
	ctx := s.ctx(t)
	root, err := s.h.Person.Post(ctx, "inbound root "+nonce(t))
	if err != nil {
		t.Fatalf("person post: %v", err)
	}
	text := "inbound reply " + nonce(t)
	id, err := s.h.Person.Reply(ctx, root, text)
	if err != nil {
		t.Fatalf("person reply: %v", err)
	}
	ev := s.waitEvent(t, "reply event", about(core.Posted, id))
	s.checkFrom(t, ev)
	checkBody(t, ev, text)
	if ev.Thread != root {
		t.Errorf("reply thread %q, want %q", ev.Thread, root)
	}
}

func (s *suite) inboundEdit(t *testing.T) {
	ctx := s.ctx(t)
	id, err := s.h.Person.Post(ctx, "inbound before "+nonce(t))
	if err != nil {
		t.Fatalf("person post: %v", err)
	}
	after := "inbound after " + nonce(t)
	if err := s.h.Person.Edit(ctx, id, after); err != nil {
		t.Fatalf("person edit: %v", err)
	}
	ev := s.waitEvent(t, "edited event", about(core.Edited, id))
	s.checkFrom(t, ev)
	checkBody(t, ev, after)
}

func (s *suite) inboundDelete(t *testing.T) {
	ctx := s.ctx(t)
	id, err := s.h.Person.Post(ctx, "inbound doomed "+nonce(t))
	if err != nil {
		t.Fatalf("person post: %v", err)
	}
	if err := s.h.Person.Delete(ctx, id); err != nil {
		t.Fatalf("person delete: %v", err)
	}
	ev := s.waitEvent(t, "deleted event", about(core.Deleted, id))
	if ev.ID == "" || ev.Source != s.h.Channel {
		t.Errorf("deleted event %v from %v", ev.ID, ev.Source)
	}
}

// personEmoji is the emoji the person reacts with.
const personEmoji = "tada"

func (s *suite) inboundReaction(t *testing.T) {
	// People on some platforms cannot react at all (Webex has no public
	// reactions API), which is not the same as the app being unable to.
	if slices.Contains(s.h.Unsupported, InboundReaction) {
		t.Skip("the platform has no reactions for people to add")
	}
	ctx := s.ctx(t)
	id, err := s.h.Person.Post(ctx, "inbound react "+nonce(t))
	if err != nil {
		t.Fatalf("person post: %v", err)
	}
	if err := s.h.Person.React(ctx, id, personEmoji); err != nil {
		t.Fatalf("person react: %v", err)
	}
	ev := s.waitEvent(t, "reaction added event", about(core.ReactionAdded, id))
	s.checkFrom(t, ev)
	if ev.Emoji != personEmoji {
		t.Errorf("emoji %q, want %q", ev.Emoji, personEmoji)
	}
	if err := s.h.Person.Unreact(ctx, id, personEmoji); err != nil {
		t.Fatalf("person unreact: %v", err)
	}
	ev = s.waitEvent(t, "reaction removed event", about(core.ReactionRemoved, id))
	s.checkFrom(t, ev)
	if ev.Emoji != personEmoji {
		t.Errorf("emoji %q, want %q", ev.Emoji, personEmoji)
	}
}

func (s *suite) inboundFile(t *testing.T) {
	ctx := s.ctx(t)
	data := randomBytes(t, 300<<10)
	text := "inbound file " + nonce(t)
	id, err := s.h.Person.Upload(ctx, "inbound.bin", data, text)
	if err != nil {
		t.Fatalf("person upload: %v", err)
	}
	ev := s.waitEvent(t, "file event", func(ev core.Event) bool {
		return ev.Kind == core.Posted && ev.Message == id && len(ev.Files) > 0
	})
	s.checkFrom(t, ev)
	if len(ev.Files) != 1 {
		t.Fatalf("%d files in event, want 1", len(ev.Files))
	}
	ref := ev.Files[0]
	if ref.ID == "" || ref.Name != "inbound.bin" || (ref.Size != 0 && ref.Size != int64(len(data))) {
		t.Errorf("file ref %+v", ref)
	}
	ff := need[connector.FileFetcher](t, s, "FileFetcher")
	rc, err := ff.FetchFile(ctx, ref)
	if err != nil {
		t.Fatalf("FetchFile: %v", err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading fetched file: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("fetched %d bytes that differ from the %d uploaded", len(got), len(data))
	}
}
