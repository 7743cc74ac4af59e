// Package directory is the people cache every connector puts in front of
// its platform's lookups: by ID and by email, in memory only (what it holds
// is personal data), bounded in size and forgotten after a while, so that
// a renamed person or a changed address shows within minutes.
//
// A connector embeds a *Cached in its Client, built from its two uncached
// lookups; the Client then is a connector.Directory. Lookups that learn
// people as a side effect (a membership list, an event's sender) hand
// them to Put or Note.
package directory

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/ttlcache"
)

// Defaults of Options.
const (
	DefaultTTL  = 10 * time.Minute
	DefaultSize = 5000
)

// Options bound the cache.
type Options struct {
	TTL  time.Duration    // how long an answer is trusted; default DefaultTTL
	Size int              // entries kept (a person takes one or two); default DefaultSize
	Now  func() time.Time // default time.Now
}

// Cached answers people lookups from memory when it can, and from the
// platform otherwise. It is safe for concurrent use.
type Cached struct {
	byID    func(context.Context, core.UserID) (core.Author, error)
	byEmail func(context.Context, string) (core.Author, error)
	cache   *ttlcache.Cache[key, core.Author]
}

// key keeps IDs and emails apart: an ID can never be taken for an email.
type key struct {
	email bool
	v     string
}

func idKey(id core.UserID) key { return key{v: string(id)} }
func emailKey(e string) key    { return key{email: true, v: strings.ToLower(e)} }

var _ connector.Directory = (*Cached)(nil)

// New returns a cache in front of the platform's lookups. byID and
// byEmail are asked on a miss only; byEmail gets the address trimmed, as
// given otherwise. Either returns connector.ErrNotFound for no one.
func New(byID func(context.Context, core.UserID) (core.Author, error), byEmail func(context.Context, string) (core.Author, error), o Options) *Cached {
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.Size <= 0 {
		o.Size = DefaultSize
	}
	return &Cached{byID: byID, byEmail: byEmail, cache: ttlcache.New[key, core.Author](o.TTL, o.Size, o.Now)}
}

// User returns the person with this ID.
func (d *Cached) User(ctx context.Context, id core.UserID) (core.Author, error) {
	if id == "" {
		return core.Author{}, fmt.Errorf("user lookup: no user ID: %w", connector.ErrNotFound)
	}
	if a, ok := d.cache.Get(idKey(id)); ok {
		return a, nil
	}
	a, err := d.byID(ctx, id)
	if err != nil {
		return core.Author{}, err
	}
	d.Put(a)
	d.cache.Put(idKey(id), a)
	return a, nil
}

// UserByEmail returns the person with this email, or ErrNotFound.
func (d *Cached) UserByEmail(ctx context.Context, email string) (core.Author, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return core.Author{}, fmt.Errorf("user lookup: no email: %w", connector.ErrNotFound)
	}
	if a, ok := d.cache.Get(emailKey(email)); ok {
		return a, nil
	}
	a, err := d.byEmail(ctx, email)
	if err != nil {
		return core.Author{}, err
	}
	d.Put(a)
	// The address asked for may differ from the one the platform shows
	// (an alias, a sign-in name): the next lookup of it is a hit too.
	d.cache.Put(emailKey(email), a)
	return a, nil
}

// Known returns the person with this ID if the cache holds them, without
// asking the platform.
func (d *Cached) Known(id core.UserID) (core.Author, bool) {
	return d.cache.Get(idKey(id))
}

// KnownByEmail returns the person with this email if the cache holds
// them, without asking the platform.
func (d *Cached) KnownByEmail(email string) (core.Author, bool) {
	return d.cache.Get(emailKey(strings.TrimSpace(email)))
}

// Put remembers a, a platform's full answer about a person, under their ID
// and their email.
func (d *Cached) Put(a core.Author) {
	if a.ID != "" {
		d.cache.Put(idKey(a.ID), a)
	}
	if a.Email != "" {
		d.cache.Put(emailKey(a.Email), a)
	}
}

// Note remembers what a partial sighting of a person tells (an event's
// sender, a membership list that hides emails): the fields it lacks keep
// what was known. A sighting with neither name nor email teaches nothing.
func (d *Cached) Note(a core.Author) {
	if a.ID == "" {
		return
	}
	if old, ok := d.cache.Get(idKey(a.ID)); ok {
		a.Name = cmp.Or(a.Name, old.Name)
		a.Email = cmp.Or(a.Email, old.Email)
		a.Avatar = cmp.Or(a.Avatar, old.Avatar)
	}
	if a.Name == "" && a.Email == "" {
		return
	}
	d.Put(a)
}
