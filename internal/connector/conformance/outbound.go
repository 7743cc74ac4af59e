package conformance

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"parley/internal/connector"
	"parley/internal/core"
)

// author is who the connector posts as in the outbound checks.
var author = core.Author{ID: "conformance-author", Name: "Conformance Ann"}

func (s *suite) message(text string) connector.Message {
	return connector.Message{Body: doc(text), Author: author}
}

// seen waits until the viewer shows message id and ok accepts it.
func (s *suite) seen(t *testing.T, what string, root, id core.MessageID, ok func(Seen) error) Seen {
	t.Helper()
	ctx := s.ctx(t)
	return eventually(t, s.h.Timeout, what, func() (Seen, error) {
		m, err := s.h.Viewer.Message(ctx, root, id)
		if err != nil {
			return m, err
		}
		return m, ok(m)
	})
}

func showsText(want string) func(Seen) error {
	return func(m Seen) error {
		if !strings.Contains(m.Text, want) {
			return fmt.Errorf("text %q does not contain %q", m.Text, want)
		}
		return nil
	}
}

func (s *suite) send(t *testing.T) {
	text := "send " + nonce(t)
	id, err := s.h.Client.Send(s.ctx(t), s.h.Channel.Channel, s.message(text))
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if id == "" {
		t.Fatal("Send returned an empty message ID")
	}
	m := s.seen(t, "sent message", "", id, showsText(text))
	// Platforms that cannot post under another name show it in the text.
	if m.AuthorName != author.Name && !strings.Contains(m.Text, author.Name) {
		t.Fatalf("author shown as %q, want %q", m.AuthorName, author.Name)
	}
	if m.Thread != "" {
		t.Fatalf("top-level message shown in thread %q", m.Thread)
	}
}

func (s *suite) reply(t *testing.T) {
	ts := need[connector.ThreadSender](t, s, "ThreadSender")
	ctx := s.ctx(t)
	root, err := s.h.Person.Post(ctx, "root "+nonce(t))
	if err != nil {
		t.Fatalf("person post: %v", err)
	}
	text := "reply " + nonce(t)
	id, err := ts.SendReply(ctx, s.h.Channel.Channel, root, s.message(text))
	if err != nil {
		t.Fatalf("SendReply: %v", err)
	}
	s.seen(t, "reply in thread", root, id, func(m Seen) error {
		if m.Thread != root {
			return fmt.Errorf("reply shown in thread %q, want %q", m.Thread, root)
		}
		return showsText(text)(m)
	})
}

func (s *suite) edit(t *testing.T) {
	ed := need[connector.Editor](t, s, "Editor")
	ctx := s.ctx(t)
	id, err := s.h.Client.Send(ctx, s.h.Channel.Channel, s.message("before "+nonce(t)))
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	after := "after " + nonce(t)
	if err := ed.Edit(ctx, s.h.Channel.Channel, id, s.message(after)); err != nil {
		t.Fatalf("Edit: %v", err)
	}
	s.seen(t, "edited message", "", id, showsText(after))
}

func (s *suite) delete(t *testing.T) {
	del := need[connector.Deleter](t, s, "Deleter")
	ctx := s.ctx(t)
	id, err := s.h.Client.Send(ctx, s.h.Channel.Channel, s.message("doomed "+nonce(t)))
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if err := del.Delete(ctx, s.h.Channel.Channel, id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	eventually(t, s.h.Timeout, "deleted message gone", func() (struct{}, error) {
		_, err := s.h.Viewer.Message(ctx, "", id)
		if errors.Is(err, connector.ErrNotFound) {
			return struct{}{}, nil
		}
		return struct{}{}, fmt.Errorf("still visible (err %v)", err)
	})
	if err := del.Delete(ctx, s.h.Channel.Channel, id); !errors.Is(err, connector.ErrNotFound) {
		t.Fatalf("deleting again: %v, want ErrNotFound", err)
	}
}

// clientEmoji is the emoji the connector reacts with; the person uses
// another, so that echo suppression can be told apart.
const clientEmoji = "white_check_mark"

func (s *suite) react(t *testing.T) {
	r := need[connector.Reactor](t, s, "Reactor")
	ctx := s.ctx(t)
	id, err := s.h.Person.Post(ctx, "react to me "+nonce(t))
	if err != nil {
		t.Fatalf("person post: %v", err)
	}
	for range 2 { // reacting twice is not an error
		if err := paced(t, s.h.Timeout, func() error { return r.React(ctx, s.h.Channel.Channel, id, clientEmoji) }); err != nil {
			t.Fatalf("React: %v", err)
		}
	}
	s.seen(t, "reaction shown", "", id, func(m Seen) error {
		if !slices.Contains(m.Reactions, clientEmoji) {
			return fmt.Errorf("reactions %v", m.Reactions)
		}
		return nil
	})
	for range 2 {
		if err := paced(t, s.h.Timeout, func() error { return r.Unreact(ctx, s.h.Channel.Channel, id, clientEmoji) }); err != nil {
			t.Fatalf("Unreact: %v", err)
		}
	}
	s.seen(t, "reaction removed", "", id, func(m Seen) error {
		if slices.Contains(m.Reactions, clientEmoji) {
			return fmt.Errorf("reactions %v", m.Reactions)
		}
		return nil
	})
}

// randomBytes returns n bytes that no encoding could compress or mangle
// unnoticed.
func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func (s *suite) sendFile(t *testing.T) {
	fs := need[connector.FileSender](t, s, "FileSender")
	ctx := s.ctx(t)
	root, err := s.h.Person.Post(ctx, "file thread "+nonce(t))
	if err != nil {
		t.Fatalf("person post: %v", err)
	}
	tests := []struct {
		name string
		root core.MessageID
		size int
	}{
		{"top level", "", 300 << 10},
		{"in thread", root, 20 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := randomBytes(t, tt.size)
			text := "file " + nonce(t)
			f := connector.File{Name: "conformance.bin", MimeType: "application/octet-stream", Size: int64(len(data)), Body: bytes.NewReader(data)}
			id, err := fs.SendFile(ctx, s.h.Channel.Channel, tt.root, s.message(text), f)
			if err != nil {
				t.Fatalf("SendFile: %v", err)
			}
			s.seen(t, "file shown", tt.root, id, func(m Seen) error {
				if m.Thread != tt.root {
					return fmt.Errorf("file shown in thread %q, want %q", m.Thread, tt.root)
				}
				if len(m.Files) != 1 {
					return fmt.Errorf("%d files shown", len(m.Files))
				}
				if !bytes.Equal(m.Files[0], data) {
					return fmt.Errorf("file bytes differ (%d bytes shown, %d sent)", len(m.Files[0]), len(data))
				}
				return showsText(text)(m)
			})
		})
	}
}
