package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
)

// platform is a directory with two people and a call counter.
type platform struct {
	calls atomic.Int32
	down  bool
}

var (
	ada   = core.Author{ID: "U1", Name: "Ada", Email: "Ada@Example.com"}
	grace = core.Author{ID: "U2", Name: "Grace", Email: "grace@example.com"}
)

func (p *platform) byID(_ context.Context, id core.UserID) (core.Author, error) {
	p.calls.Add(1)
	if p.down {
		return core.Author{}, errors.New("502")
	}
	for _, a := range []core.Author{ada, grace} {
		if a.ID == id {
			return a, nil
		}
	}
	return core.Author{}, fmt.Errorf("no %s: %w", id, connector.ErrNotFound)
}

func (p *platform) byEmail(_ context.Context, email string) (core.Author, error) {
	p.calls.Add(1)
	if p.down {
		return core.Author{}, errors.New("502")
	}
	if email != strings.TrimSpace(email) {
		return core.Author{}, errors.New("untrimmed email reached the platform")
	}
	for _, a := range []core.Author{ada, grace} {
		if strings.EqualFold(a.Email, email) || email == "ada.alias@example.com" && a.ID == "U1" {
			return a, nil
		}
	}
	return core.Author{}, fmt.Errorf("no one: %w", connector.ErrNotFound)
}

func TestCached(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	tests := []struct {
		name  string
		steps func(d *Cached) error
		calls int32
	}{
		{"by ID once", func(d *Cached) error {
			for range 3 {
				if a, err := d.User(ctx, "U1"); err != nil || a != ada {
					return fmt.Errorf("User = %+v, %v", a, err)
				}
			}
			return nil
		}, 1},
		{"found by ID, then by its email in any case", func(d *Cached) error {
			_, _ = d.User(ctx, "U1")
			if a, err := d.UserByEmail(ctx, " ada@EXAMPLE.com "); err != nil || a != ada {
				return fmt.Errorf("UserByEmail = %+v, %v", a, err)
			}
			return nil
		}, 1},
		{"found by email, then by its ID", func(d *Cached) error {
			_, _ = d.UserByEmail(ctx, "grace@example.com")
			_, err := d.User(ctx, "U2")
			return err
		}, 1},
		{"an alias is remembered as asked", func(d *Cached) error {
			for range 2 {
				if a, err := d.UserByEmail(ctx, "ada.alias@example.com"); err != nil || a.ID != "U1" {
					return fmt.Errorf("UserByEmail(alias) = %+v, %v", a, err)
				}
			}
			return nil
		}, 1},
		{"not found is not cached", func(d *Cached) error {
			for range 2 {
				if _, err := d.User(ctx, "U9"); !errors.Is(err, connector.ErrNotFound) {
					return fmt.Errorf("User(U9) = %v", err)
				}
			}
			return nil
		}, 2},
		{"empty asks nobody", func(d *Cached) error {
			if _, err := d.User(ctx, ""); !errors.Is(err, connector.ErrNotFound) {
				return fmt.Errorf("User(\"\") = %v", err)
			}
			if _, err := d.UserByEmail(ctx, "  "); !errors.Is(err, connector.ErrNotFound) {
				return fmt.Errorf("UserByEmail(blank) = %v", err)
			}
			return nil
		}, 0},
		{"forgotten after the TTL", func(d *Cached) error {
			_, _ = d.User(ctx, "U1")
			now = now.Add(DefaultTTL)
			_, err := d.User(ctx, "U1")
			return err
		}, 2},
		{"Put answers without a call", func(d *Cached) error {
			d.Put(core.Author{ID: "U7", Name: "Lin", Email: "lin@example.com"})
			if a, err := d.UserByEmail(ctx, "LIN@example.com"); err != nil || a.Name != "Lin" {
				return fmt.Errorf("UserByEmail = %+v, %v", a, err)
			}
			return nil
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &platform{}
			d := New(p.byID, p.byEmail, Options{Now: clock})
			if err := tt.steps(d); err != nil {
				t.Fatal(err)
			}
			if got := p.calls.Load(); got != tt.calls {
				t.Fatalf("%d platform calls, want %d", got, tt.calls)
			}
		})
	}
}

func TestCachedPassesPlatformErrorsOn(t *testing.T) {
	p := &platform{down: true}
	d := New(p.byID, p.byEmail, Options{})
	if _, err := d.User(context.Background(), "U1"); err == nil || !connector.Retryable(err) {
		t.Fatalf("User while the platform is down = %v", err)
	}
	p.down = false
	if _, err := d.User(context.Background(), "U1"); err != nil {
		t.Fatalf("User after recovery = %v", err)
	}
}

func TestNoteKeepsKnownFields(t *testing.T) {
	d := New(nil, nil, Options{})
	d.Note(core.Author{ID: "users/1", Name: "Ada"})                           // a membership list: no email
	d.Note(core.Author{ID: "users/1", Email: "ada@example.com"})              // an event's sender
	d.Note(core.Author{ID: "users/1", Name: "Ada L.", Avatar: "https://a/p"}) // a later list
	d.Note(core.Author{ID: "users/2"})                                        // nothing to learn
	want := core.Author{ID: "users/1", Name: "Ada L.", Email: "ada@example.com", Avatar: "https://a/p"}
	if a, ok := d.KnownByEmail("ADA@example.com"); !ok || a != want {
		t.Fatalf("KnownByEmail = %+v, %v; want %+v", a, ok, want)
	}
	if _, ok := d.Known("users/2"); ok {
		t.Fatal("an empty sighting was cached")
	}
}

func TestSizeBound(t *testing.T) {
	d := New(nil, nil, Options{Size: 10})
	for i := range 100 {
		d.Put(core.Author{ID: core.UserID(fmt.Sprint("U", i)), Name: "x"})
	}
	n := 0
	for i := range 100 {
		if _, ok := d.Known(core.UserID(fmt.Sprint("U", i))); ok {
			n++
		}
	}
	if n > 10 {
		t.Fatalf("%d people cached, bound 10", n)
	}
}
