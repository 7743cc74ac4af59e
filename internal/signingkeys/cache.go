package signingkeys

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"parley/internal/redact"
)

// Format says how a key document is written.
type Format int

const (
	// JWKS is a JSON Web Key Set at the URL.
	JWKS Format = iota
	// OpenIDJWKS is OpenID Provider metadata at the URL whose jwks_uri is
	// the key set (the Bot Framework).
	OpenIDJWKS
	// X509Map is {"kid": "-----BEGIN CERTIFICATE-----…"} at the URL
	// (Google's service-account certificates).
	X509Map
)

// Sentinel errors of Key.
var (
	// ErrUnknownKey: the document does not hold the token's key ID.
	ErrUnknownKey = errors.New("unknown signing key")
	// ErrUnavailable: no keys recent enough to trust, and the provider
	// cannot be reached for new ones.
	ErrUnavailable = errors.New("signing keys unavailable")
)

// Defaults of Options.
const (
	DefaultMaxAge       = time.Hour
	DefaultMinInterval  = time.Minute
	DefaultMaxStale     = 6 * time.Hour
	DefaultFetchTimeout = 30 * time.Second
	// maxDoc caps a key document; real ones are a few KB.
	maxDoc = 1 << 20
)

// Options configure a Cache.
type Options struct {
	URL    string
	Format Format
	// HTTPClient verifies TLS; default http.DefaultClient.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// MaxAge: keys older than this are refreshed before use.
	MaxAge time.Duration
	// MinInterval: at most one fetch starts per interval, whatever asks
	// for it (an unknown key ID, stale keys, a failing provider).
	MinInterval time.Duration
	// MaxStale: while the provider fails, keys keep serving this long
	// past MaxAge, then the cache refuses.
	MaxStale time.Duration
	// FetchTimeout bounds one refresh.
	FetchTimeout time.Duration
}

// Cache holds the keys published at one URL. It is safe for concurrent
// use.
type Cache struct {
	o Options

	mu          sync.Mutex // never held across I/O
	keys        map[string]Key
	fetched     time.Time     // when keys were fetched; zero: never
	lastAttempt time.Time     // when the last fetch started; zero: never
	lastErr     error         // why the last fetch failed, if it did
	inflight    chan struct{} // closed when the running fetch ends; nil: none
}

// New returns a cache for the document at o.URL. It does no I/O: keys are
// fetched when first needed.
func New(o Options) *Cache {
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.MinInterval <= 0 {
		o.MinInterval = DefaultMinInterval
	}
	if o.MaxStale < 0 {
		o.MaxStale = 0
	} else if o.MaxStale == 0 {
		o.MaxStale = DefaultMaxStale
	}
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = DefaultFetchTimeout
	}
	return &Cache{o: o}
}

// Key returns the key with this ID. Fresh keys answer at once. Otherwise
// the caller that finds a refresh due fetches the document while others
// asking for an unknown ID wait for that one fetch, and others holding a
// known (stale but still usable) ID go on with it.
func (c *Cache) Key(ctx context.Context, kid string) (Key, error) {
	for {
		c.mu.Lock()
		now := c.o.Now()
		key, known := c.keys[kid]
		age := now.Sub(c.fetched)
		fresh := !c.fetched.IsZero() && age < c.o.MaxAge
		usable := !c.fetched.IsZero() && age < c.o.MaxAge+c.o.MaxStale
		if known && (fresh || usable && c.inflight != nil) {
			c.mu.Unlock()
			return key, nil
		}
		if wait := c.inflight; wait != nil {
			c.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return Key{}, fmt.Errorf("waiting for signing keys: %w", ctx.Err())
			}
		}
		due := c.lastAttempt.IsZero() || now.Sub(c.lastAttempt) >= c.o.MinInterval
		if !due {
			lastErr := c.lastErr
			c.mu.Unlock()
			switch {
			case known && usable:
				return key, nil
			case !usable:
				return Key{}, fmt.Errorf("%w: %v", ErrUnavailable, lastErr)
			default:
				return Key{}, ErrUnknownKey
			}
		}
		done := make(chan struct{})
		c.inflight, c.lastAttempt = done, now
		c.mu.Unlock()
		c.refresh(ctx, done)
	}
}

// refresh fetches the document and records the outcome. It runs without
// the caller's cancellation: others may be waiting for it.
func (c *Cache) refresh(ctx context.Context, done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.o.FetchTimeout)
	defer cancel()
	keys, err := c.fetch(ctx)
	c.mu.Lock()
	if err == nil {
		c.keys, c.fetched, c.lastErr = keys, c.o.Now(), nil
	} else {
		c.lastErr = err
	}
	c.inflight = nil
	c.mu.Unlock()
	close(done)
}

func (c *Cache) fetch(ctx context.Context) (map[string]Key, error) {
	switch c.o.Format {
	case OpenIDJWKS:
		meta, err := c.get(ctx, c.o.URL)
		if err != nil {
			return nil, fmt.Errorf("openid metadata: %w", err)
		}
		uri, err := ParseOpenIDMetadata(meta)
		if err != nil {
			return nil, err
		}
		body, err := c.get(ctx, uri)
		if err != nil {
			return nil, fmt.Errorf("key set: %w", err)
		}
		return ParseJWKS(body)
	case X509Map:
		body, err := c.get(ctx, c.o.URL)
		if err != nil {
			return nil, fmt.Errorf("certificates: %w", err)
		}
		return ParseX509Map(body)
	default:
		body, err := c.get(ctx, c.o.URL)
		if err != nil {
			return nil, fmt.Errorf("key set: %w", err)
		}
		return ParseJWKS(body)
	}
}

func (c *Cache) get(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, redact.Error(err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.o.HTTPClient.Do(req)
	if err != nil {
		return nil, redact.Error(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDoc+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxDoc {
		return nil, fmt.Errorf("document larger than %d bytes", maxDoc)
	}
	return body, nil
}
