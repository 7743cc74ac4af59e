// Package alert raises monitoring and policy alerts: it stores each one
// (content-free) for the admin API, counts it, and posts it to the
// tenant's webhook (a SIEM) signed with HMAC-SHA256, through the egress
// guard.
package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"parley/internal/core"
	"parley/internal/egress"
	"parley/internal/secret"
	"parley/internal/store"
)

// The webhook's headers. The signature is "v1=" and the hex HMAC-SHA256,
// under the deployment's alert webhook secret, of the timestamp, a dot
// and the body: a receiver recomputes it and rejects stale timestamps.
const (
	HeaderSignature = "X-Parley-Signature"
	HeaderTimestamp = "X-Parley-Timestamp"
)

// Sign returns the signature header value for body sent at ts.
func Sign(key []byte, ts string, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a signature header in constant time.
func Verify(key []byte, ts string, body []byte, sig string) bool {
	return hmac.Equal([]byte(Sign(key, ts, body)), []byte(sig))
}

// Payload is what the webhook receives.
type Payload struct {
	ID     string    `json:"id"`
	Tenant string    `json:"tenant"`
	Time   time.Time `json:"time"`
	Kind   string    `json:"kind"`
	Link   string    `json:"link,omitempty"`
	Detail string    `json:"detail"`
}

// Options configures a Sink.
type Options struct {
	Store store.Store
	// Secret signs webhook posts; without one alerts are stored and
	// counted but not posted.
	Secret secret.Secret
	// HTTPClient is the base client (TLS roots); the egress guard wraps it.
	HTTPClient *http.Client
	// AllowPrivate lets the webhook reach non-public addresses (sandbox
	// and tests only, like every other guarded fetch).
	AllowPrivate bool
	// Retention is how long stored alerts are kept (default 30 days).
	Retention time.Duration
	// Count, if set, is told every alert's kind (metrics).
	Count  func(kind string)
	Logger *slog.Logger
	Now    func() time.Time
}

// Sink raises alerts. Close waits for webhook posts in flight.
type Sink struct {
	o      Options
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New returns a sink; it does no I/O.
func New(o Options) *Sink {
	if o.Retention == 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Sink{o: o, ctx: ctx, cancel: cancel}
}

// Close waits for posts in flight until ctx ends, then abandons them.
func (s *Sink) Close(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.cancel()
		<-done
	}
	s.cancel()
}

// Raise stores the alert, counts it and posts it to webhook ("" for
// none) in the background.
func (s *Sink) Raise(ctx context.Context, tenant core.TenantID, link core.LinkID, kind, detail, webhook string) error {
	now := s.o.Now().UTC()
	a := store.Alert{Tenant: tenant, ID: "al_" + rand.Text()[:16], Time: now, Kind: kind, Link: link, Detail: detail, Expires: now.Add(s.o.Retention)}
	if s.o.Count != nil {
		s.o.Count(kind)
	}
	err := s.o.Store.AddAlert(ctx, a)
	if err != nil {
		s.o.Logger.Error("alert not stored", "kind", kind, "err", err)
	}
	if webhook != "" && !s.o.Secret.IsZero() {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.post(webhook, a)
		}()
	}
	return err
}

// post delivers one alert to the webhook, retrying a few times.
func (s *Sink) post(webhook string, a store.Alert) {
	body, _ := json.Marshal(Payload{ID: a.ID, Tenant: string(a.Tenant), Time: a.Time, Kind: a.Kind, Link: string(a.Link), Detail: a.Detail})
	u, err := url.Parse(webhook)
	if err != nil {
		return
	}
	client := egress.Client(s.o.HTTPClient, egress.Policy{Hosts: []string{u.Host}, AllowPrivate: s.o.AllowPrivate})
	client.Timeout = 10 * time.Second
	for attempt, wait := 0, time.Second; attempt < 4; attempt, wait = attempt+1, wait*2 {
		err = s.send(client, webhook, body)
		if err == nil || errors.Is(err, egress.ErrRefused) {
			break
		}
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(wait):
		}
	}
	if err != nil {
		s.o.Logger.Warn("alert not delivered to the webhook", "kind", a.Kind, "err", err)
	}
}

func (s *Sink) send(client *http.Client, webhook string, body []byte) error {
	ts := strconv.FormatInt(s.o.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, webhook, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign([]byte(s.o.Secret.Reveal()), ts, body))
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %d", res.StatusCode)
	}
	return nil
}
