package gchat

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	chat "google.golang.org/api/chat/v1"
	"google.golang.org/api/option"
	workspaceevents "google.golang.org/api/workspaceevents/v1"

	"parley/internal/connector"
	"parley/internal/connector/directory"
	"parley/internal/core"
	"parley/internal/egress"
	"parley/internal/secret"
)

// OAuth scopes of the app's token. It posts with chat.bot; listing
// messages (thread roots, history) and its Workspace Events subscriptions
// (messages and reactions) need chat.app.messages.readonly, which a domain
// admin approves once.
const (
	scopeBot        = "https://www.googleapis.com/auth/chat.bot"
	scopeAppMessage = "https://www.googleapis.com/auth/chat.app.messages.readonly"
)

// Client acts in one installed domain with the app's service account. It is
// safe for concurrent use.
type Client struct {
	conn   *Connector
	app    *chat.Service            // app auth
	media  *chat.Service            // app auth, through the egress guard: downloads
	user   *chat.Service            // relay user auth, nil without one
	events *workspaceevents.Service // app auth, chat.app scopes
	id     *identity
	*directory.Cached

	watchMu sync.Mutex
	watched map[string]bool
}

// Capabilities of an app in Google Chat. Reactions and uploads need a
// relay user: see RelayClient.
var (
	_ connector.Client       = (*Client)(nil)
	_ connector.ThreadSender = (*Client)(nil)
	_ connector.Editor       = (*Client)(nil)
	_ connector.Deleter      = (*Client)(nil)
	_ connector.FileFetcher  = (*Client)(nil)
	_ connector.Directory    = (*Client)(nil)
	_ connector.History      = (*Client)(nil)
)

func newClient(ctx context.Context, c *Connector, in connector.Installation) (*Client, error) {
	cfg := c.cfg
	// Token exchanges go through the configured (TLS-verifying) client, for
	// the client's lifetime, not the Install call's.
	tokenCtx := context.WithValue(context.Background(), oauth2.HTTPClient, cfg.HTTPClient)
	tokens, err := serviceAccountTokens(tokenCtx, cfg, scopeBot, scopeAppMessage)
	if err != nil {
		return nil, err
	}
	appHTTP := authClient(tokens, cfg.HTTPClient)
	mediaHTTP := authClient(tokens, egress.Client(cfg.HTTPClient, cfg.egressPolicy()))
	cl := &Client{
		conn:    c,
		id:      newIdentity(in.Tenant, in.Workspace, cfg.Now),
		watched: make(map[string]bool),
	}
	cl.Cached = directory.New(cl.member, cl.memberByEmail, directory.Options{TTL: cfg.UserCacheTTL, Size: cfg.UserCacheSize, Now: cfg.Now})
	if cl.app, err = chat.NewService(ctx, option.WithEndpoint(cfg.APIURL), option.WithHTTPClient(appHTTP)); err != nil {
		return nil, fmt.Errorf("chat client: %w", err)
	}
	if cl.media, err = chat.NewService(ctx, option.WithEndpoint(cfg.APIURL), option.WithHTTPClient(mediaHTTP)); err != nil {
		return nil, fmt.Errorf("chat client: %w", err)
	}
	if cl.events, err = workspaceevents.NewService(ctx, option.WithEndpoint(cfg.EventsAPIURL), option.WithHTTPClient(appHTTP)); err != nil {
		return nil, fmt.Errorf("workspace events client: %w", err)
	}
	if !in.Token.IsZero() {
		userHTTP := bearerClient(cfg.HTTPClient, in.Token)
		if cl.user, err = chat.NewService(ctx, option.WithEndpoint(cfg.APIURL), option.WithHTTPClient(userHTTP)); err != nil {
			return nil, fmt.Errorf("chat client: %w", err)
		}
	}
	return cl, nil
}

// serviceAccountTokens returns a function that mints a fresh service-account
// token for scopes, fetched through the client in ctx (oauth2.HTTPClient).
func serviceAccountTokens(ctx context.Context, cfg Config, scopes ...string) (func() (*oauth2.Token, error), error) {
	jc, err := google.JWTConfigFromJSON([]byte(cfg.ServiceAccountKey.Reveal()), scopes...)
	if err != nil {
		// The parse error may quote the key; it is not wrapped.
		return nil, fmt.Errorf("service account key is not a valid key JSON: %w", connector.ErrAuth)
	}
	if cfg.TokenURL != "" {
		jc.TokenURL = cfg.TokenURL
	}
	// Each call of jc.TokenSource starts with no token, so it mints one.
	return func() (*oauth2.Token, error) { return jc.TokenSource(ctx).Token() }, nil
}

// authClient sends requests with the app's tokens (mint fetches a new one)
// through hc's transport and redirect rules.
func authClient(mint func() (*oauth2.Token, error), hc *http.Client) *http.Client {
	return &http.Client{Transport: &reauthTransport{mint: mint, base: base(hc)}, CheckRedirect: hc.CheckRedirect}
}

// bearerClient sends a fixed access token (the relay user's).
func bearerClient(hc *http.Client, tok secret.Secret) *http.Client {
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok.Reveal(), TokenType: "Bearer"})
	return &http.Client{Transport: &oauth2.Transport{Source: ts, Base: base(hc)}}
}

// base is the transport under the auth layer: the configured client's,
// with short 429 retries.
func base(hc *http.Client) http.RoundTripper {
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	return &retryTransport{base: rt, waits: retryWaits}
}

type idempotencyKey struct{}

// withIdempotencyKey marks ctx with connector.Message.Key, stable across
// retries of one delivery. Creates made under it use a custom message ID
// and request ID derived from it, so a retry after a lost answer returns
// the message created the first time instead of posting it twice.
func withIdempotencyKey(ctx context.Context, key string) context.Context {
	if key == "" {
		return ctx
	}
	return context.WithValue(ctx, idempotencyKey{}, key)
}

// messageID returns the custom message ID for a create: derived from the
// context's idempotency key, or random. It satisfies Chat's rules (starts
// with client-, at most 63 characters of [a-z0-9-]).
func messageID(ctx context.Context) string {
	if key, ok := ctx.Value(idempotencyKey{}).(string); ok && key != "" {
		sum := sha256.Sum256([]byte(key))
		return messageIDPrefix + hex.EncodeToString(sum[:20])
	}
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return messageIDPrefix + hex.EncodeToString(b)
}

// Watch subscribes to the Workspace Events of space (every message, edit,
// delete and reaction there) and routes them to this domain. It is
// idempotent; the first outbound call in a space watches it too.
func (c *Client) Watch(ctx context.Context, space core.ChannelID) error {
	return c.watch(ctx, string(space))
}
