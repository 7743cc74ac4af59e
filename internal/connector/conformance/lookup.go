package conformance

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"parley/internal/connector"
	"parley/internal/core"
)

func (s *suite) directory(t *testing.T) {
	dir := need[connector.Directory](t, s, "Directory")
	ctx := s.ctx(t)
	p := s.h.Person

	a, err := dir.UserByEmail(ctx, p.Email())
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	if a.ID != p.ID() {
		t.Fatalf("UserByEmail found %q, want %q", a.ID, p.ID())
	}
	a, err = dir.User(ctx, p.ID())
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	if a.ID != p.ID() || a.Name == "" || !strings.EqualFold(a.Email, p.Email()) {
		t.Fatalf("User = %+v, want ID %q, a name and email %q", a, p.ID(), p.Email())
	}
	if _, err := dir.UserByEmail(ctx, "nobody-"+nonce(t)+"@example.invalid"); !errors.Is(err, connector.ErrNotFound) {
		t.Fatalf("UserByEmail(unknown) = %v, want ErrNotFound", err)
	}
}

func (s *suite) history(t *testing.T) {
	hist := need[connector.History](t, s, "History")
	ctx := s.ctx(t)
	var ids []core.MessageID
	for i := range 3 {
		id, err := s.h.Person.Post(ctx, fmt.Sprintf("history %d %s", i, nonce(t)))
		if err != nil {
			t.Fatalf("person post: %v", err)
		}
		ids = append(ids, id)
	}
	evs, err := hist.History(ctx, s.h.Channel.Channel, ids[0], 100)
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	pos := map[core.MessageID]int{}
	for i, ev := range evs {
		pos[ev.Message] = i
		if i > 0 && ev.Time.Before(evs[i-1].Time) {
			t.Fatalf("history not oldest first at %d", i)
		}
	}
	if _, ok := pos[ids[0]]; ok {
		t.Fatal("history includes the message it should start after")
	}
	b, okB := pos[ids[1]]
	c, okC := pos[ids[2]]
	if !okB || !okC || b > c {
		t.Fatalf("history positions of later posts: %d (%v), %d (%v); want both, in order", b, okB, c, okC)
	}
	for _, i := range []int{b, c} {
		ev := evs[i]
		if ev.Kind != core.Posted || ev.Author.ID != s.h.Person.ID() || ev.Source != s.h.Channel {
			t.Fatalf("history event %+v", ev)
		}
	}
	evs, err = hist.History(ctx, s.h.Channel.Channel, ids[0], 1)
	if err != nil {
		t.Fatalf("History limit 1: %v", err)
	}
	if len(evs) != 1 || evs[0].Message != ids[1] {
		t.Fatalf("History limit 1 = %d events, want only the next message", len(evs))
	}
}
