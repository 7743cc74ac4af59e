package conformance

import (
	"bytes"
	"fmt"
	"testing"

	"parley/internal/connector"
	"parley/internal/core"
)

// echo makes the connector post, reply, edit, react, upload and delete,
// then waits for a person's later post to arrive: by then the platform has
// delivered whatever our own actions caused, and none of it may have come
// back as an event.
func (s *suite) echo(t *testing.T) {
	ctx := s.ctx(t)
	ch := s.h.Channel.Channel
	ours := map[core.MessageID]bool{}
	note := func(id core.MessageID, err error) core.MessageID {
		t.Helper()
		if err != nil {
			t.Fatalf("connector action: %v", err)
		}
		ours[id] = true
		return id
	}

	target, err := s.h.Person.Post(ctx, "echo target "+nonce(t))
	if err != nil {
		t.Fatalf("person post: %v", err)
	}
	root := note(s.h.Client.Send(ctx, ch, s.message("echo "+nonce(t))))
	if ts, ok := s.h.Client.(connector.ThreadSender); ok {
		note(ts.SendReply(ctx, ch, root, s.message("echo reply "+nonce(t))))
	}
	if ed, ok := s.h.Client.(connector.Editor); ok {
		if err := ed.Edit(ctx, ch, root, s.message("echo edited "+nonce(t))); err != nil {
			t.Fatalf("Edit: %v", err)
		}
	}
	if r, ok := s.h.Client.(connector.Reactor); ok {
		if err := r.React(ctx, ch, target, clientEmoji); err != nil {
			t.Fatalf("React: %v", err)
		}
		if err := r.Unreact(ctx, ch, target, clientEmoji); err != nil {
			t.Fatalf("Unreact: %v", err)
		}
	}
	if fs, ok := s.h.Client.(connector.FileSender); ok {
		data := randomBytes(t, 1<<10)
		note(fs.SendFile(ctx, ch, "", s.message("echo file "+nonce(t)),
			connector.File{Name: "echo.bin", Size: int64(len(data)), Body: bytes.NewReader(data)}))
	}
	if del, ok := s.h.Client.(connector.Deleter); ok {
		if err := del.Delete(ctx, ch, root); err != nil {
			t.Fatalf("Delete: %v", err)
		}
	}

	barrier, err := s.h.Person.Post(ctx, "echo barrier "+nonce(t))
	if err != nil {
		t.Fatalf("person post: %v", err)
	}
	s.waitEvent(t, "barrier event", about(core.Posted, barrier))

	for _, ev := range s.h.Events.Events() {
		echoed := ours[ev.Message] ||
			(ev.Message == target && (ev.Kind == core.ReactionAdded || ev.Kind == core.ReactionRemoved))
		if echoed {
			t.Errorf("the connector's own action came back: %s", describe(ev))
		}
	}
}

// describe prints an event's shape without its content.
func describe(ev core.Event) string {
	return fmt.Sprintf("%s of %s by %s", ev.Kind, ev.Message, ev.Author.ID)
}
