package idp

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// Pending holds authorize requests between showing the chooser and the
// person's answer. The ID in the form is 128 random bits and single-use,
// so a form cannot be replayed or forged for another request.
type Pending[T any] struct {
	// Now is the emulator's clock; TTL is how long a page stays valid.
	Now func() time.Time
	TTL time.Duration

	mu sync.Mutex
	m  map[string]pendingEntry[T]
}

type pendingEntry[T any] struct {
	v       T
	expires time.Time
}

// maxPending bounds memory if a client opens authorize pages in a loop.
const maxPending = 10000

// Put stores v and returns its ID.
func (p *Pending[T]) Put(v T) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.Now()
	if p.m == nil {
		p.m = map[string]pendingEntry[T]{}
	}
	if len(p.m) >= maxPending {
		for k, e := range p.m {
			if now.After(e.expires) || len(p.m) >= maxPending {
				delete(p.m, k)
			}
		}
	}
	id := RandomToken(16)
	p.m[id] = pendingEntry[T]{v: v, expires: now.Add(p.TTL)}
	return id
}

// Take returns and forgets the request with id, if it is live.
func (p *Pending[T]) Take(id string) (T, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.m[id]
	delete(p.m, id)
	if !ok || p.Now().After(e.expires) {
		var zero T
		return zero, false
	}
	return e.v, true
}

// Page is an error page's words.
type Page struct{ Title, Detail string }

// AnswerPages are a platform's 400 pages for a chooser answer it cannot
// take.
type AnswerPages struct {
	BadForm Page // the form could not be read
	Expired Page // its request is unknown, used or expired
}

// Answer is what a person did on an account chooser.
type Answer[T any] struct {
	Request T
	// Account is the ID on the button pressed; "" when Denied. The
	// platform checks that it is one of the accounts it listed.
	Account string
	Denied  bool
}

// TakeAnswer reads an account chooser's form (POSTed to Chooser.Action,
// at most maxBody bytes) and takes the pending request it answers. When it
// cannot, it writes the matching page of pages and returns false.
func (p *Pending[T]) TakeAnswer(w http.ResponseWriter, r *http.Request, maxBody int64, pages AnswerPages) (Answer[T], bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		WriteErrorPage(w, http.StatusBadRequest, pages.BadForm.Title, pages.BadForm.Detail)
		return Answer[T]{}, false
	}
	req, ok := p.Take(r.PostForm.Get("request"))
	if !ok {
		WriteErrorPage(w, http.StatusBadRequest, pages.Expired.Title, pages.Expired.Detail)
		return Answer[T]{}, false
	}
	if r.PostForm.Get("deny") != "" {
		return Answer[T]{Request: req, Denied: true}, true
	}
	return Answer[T]{Request: req, Account: r.PostForm.Get("account")}, true
}

// RandomToken returns n random bytes, base64url without padding.
func RandomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
