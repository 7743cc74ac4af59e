package teams_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley/internal/connector"
	teamsconn "parley/internal/connector/teams"
	"parley/internal/core"
	"parley/internal/richtext"
)

// countingTransport counts token requests.
type countingTransport struct {
	next   http.RoundTripper
	tokens atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token") {
		c.tokens.Add(1)
	}
	return c.next.RoundTrip(r)
}

// TestTokensCachedUntilExpiry: one client-credentials token serves every
// call until shortly before it expires.
func TestTokensCachedUntilExpiry(t *testing.T) {
	e := newEnv(t)
	ct := &countingTransport{next: e.uploads}
	cfg := e.config()
	cfg.HTTPClient = &http.Client{Transport: ct}
	conn := teamsconn.New(cfg)
	ctx := t.Context()
	cl, err := conn.Install(ctx, connector.Installation{Tenant: "t", Workspace: core.WorkspaceID(e.tenant.ID)})
	if err != nil {
		t.Fatal(err)
	}
	msg := connector.Message{Body: richtext.Plain("cached"), Author: core.Author{Name: "Ann"}}
	for range 3 {
		if _, err := cl.Send(ctx, core.ChannelID(e.channel.ID), msg); err != nil {
			t.Fatal(err)
		}
	}
	dir := cl.(connector.Directory)
	for range 2 {
		if _, err := dir.User(ctx, core.UserID(e.person.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := dir.UserByEmail(ctx, "nobody@example.invalid"); !errors.Is(err, connector.ErrNotFound) {
			t.Fatalf("UserByEmail(unknown) = %v", err)
		}
	}
	if n := ct.tokens.Load(); n != 2 { // one Bot Connector, one Graph
		t.Fatalf("%d token requests, want 2", n)
	}
	e.clock.advance(58 * time.Minute) // the emulator's tokens last an hour
	if _, err := cl.Send(ctx, core.ChannelID(e.channel.ID), msg); err != nil {
		t.Fatal(err)
	}
	if n := ct.tokens.Load(); n != 3 {
		t.Fatalf("%d token requests after expiry, want 3", n)
	}
}

func TestInstallWithWrongSecret(t *testing.T) {
	e := newEnv(t)
	cfg := e.config()
	conn := teamsconn.New(cfg)
	_, err := conn.Install(t.Context(), connector.Installation{Tenant: "t", Workspace: core.WorkspaceID(e.tenant.ID), Token: secretOf("wrong")})
	if !errors.Is(err, connector.ErrAuth) {
		t.Fatalf("Install with a wrong secret = %v, want ErrAuth", err)
	}
}

// TestNoTokenToOtherHosts: the bot's token goes to Graph and the allowed
// Bot Connector hosts only, never to a URL an activity named.
func TestNoTokenToOtherHosts(t *testing.T) {
	e := newEnv(t)
	var mu sync.Mutex
	var seen []string
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		_, _ = w.Write([]byte("data"))
	}))
	t.Cleanup(other.Close)
	cfg := e.config()
	// The other server shares the test certificate; files may come from
	// it, but it is not a Bot Connector host.
	cfg.AllowedServiceURLs = []string{strings.TrimPrefix(e.emuSrv.URL, "https://")}
	cfg.FileHosts = []string{strings.TrimPrefix(other.URL, "https://")}
	conn := teamsconn.New(cfg)
	cl, err := conn.Install(t.Context(), connector.Installation{Tenant: "t", Workspace: core.WorkspaceID(e.tenant.ID)})
	if err != nil {
		t.Fatal(err)
	}
	ff := cl.(connector.FileFetcher)
	rc, err := ff.FetchFile(t.Context(), core.FileRef{ID: "f", URL: other.URL + "/file"})
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if _, err := ff.FetchFile(t.Context(), core.FileRef{ID: "f", URL: strings.Replace(other.URL, "https", "http", 1)}); !errors.Is(err, connector.ErrPermanent) {
		t.Fatalf("plain http fetch = %v, want ErrPermanent", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != "" {
		t.Fatalf("authorization headers sent to another host: %q", seen)
	}
}

// TestReactOnOwnMessage: reactions relayed onto the bot's own message are
// a footer of its card, counted, and gone when the last one goes.
func TestReactOnOwnMessage(t *testing.T) {
	e := newEnv(t)
	h := e.harness(&textLog{})
	ctx := t.Context()
	ch := core.ChannelID(e.channel.ID)
	id, err := e.client.Send(ctx, ch, connector.Message{Body: richtext.Plain("react here"), Author: core.Author{Name: "Bob"}})
	if err != nil {
		t.Fatal(err)
	}
	r := e.client.(connector.Reactor)
	for _, emoji := range []string{"thumbsup", "thumbsup", "tada"} {
		if err := r.React(ctx, ch, id, emoji); err != nil {
			t.Fatal(err)
		}
	}
	seen, err := h.Viewer.Message(ctx, "", id)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen.Reactions, []string{"thumbsup", "tada"}) || !strings.Contains(seen.Text, "react here") || seen.AuthorName != "Bob" {
		t.Fatalf("seen %+v", seen)
	}
	raw := lastCard(t, e, id)
	if !strings.Contains(raw, "👍 2 · 🎉 1") {
		t.Fatalf("footer not in the card: %s", raw)
	}
	// An edit keeps the footer.
	if err := e.client.(connector.Editor).Edit(ctx, ch, id, connector.Message{Body: richtext.Plain("edited"), Author: core.Author{Name: "Bob"}}); err != nil {
		t.Fatal(err)
	}
	if raw := lastCard(t, e, id); !strings.Contains(raw, "👍 2 · 🎉 1") || !strings.Contains(raw, "edited") {
		t.Fatalf("edit lost the footer: %s", raw)
	}
	for _, emoji := range []string{"thumbsup", "thumbsup", "tada", "tada"} {
		if err := r.Unreact(ctx, ch, id, emoji); err != nil {
			t.Fatal(err)
		}
	}
	seen, err = h.Viewer.Message(ctx, "", id)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen.Reactions) != 0 {
		t.Fatalf("reactions left: %v", seen.Reactions)
	}
}

// lastCard returns the card JSON of message id as Graph shows it.
func lastCard(t *testing.T, e *env, id core.MessageID) string {
	t.Helper()
	p := e.harness(&textLog{}).Person.(*person)
	var m chatMessage
	if err := p.g.do(context.Background(), http.MethodGet, p.messages()+"/"+string(id), nil, &m); err != nil {
		t.Fatal(err)
	}
	for _, a := range m.Attachments {
		if a.Content != nil {
			return *a.Content
		}
	}
	t.Fatal("no card")
	return ""
}

// TestMentionsInFilePost: a file post carries the text as HTML with a
// native mention Teams records, found through the directory by email.
func TestMentionsInFilePost(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	h := e.harness(&textLog{})
	// Before any activity from the channel names its team, the connector
	// finds the channel's team through Graph (as after a restart).
	data := []byte("%PDF-1.4 not really")
	file := func() connector.File {
		return connector.File{Name: "report.pdf", MimeType: "application/pdf", Size: int64(len(data)), Body: strings.NewReader(string(data))}
	}
	fs := e.client.(connector.FileSender)
	if _, err := fs.SendFile(ctx, core.ChannelID(e.channel.ID), "", connector.Message{Body: richtext.Plain("early")}, file()); err != nil {
		t.Fatalf("SendFile before any activity: %v", err)
	}
	first, err := h.Person.Post(ctx, "hello")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the channel's first activity", func() bool { return hasPost(e.events, first) })
	who, err := e.client.(connector.Directory).UserByEmail(ctx, "ANN@example.com")
	if err != nil {
		t.Fatal(err)
	}
	body := richtext.Doc{Nodes: []richtext.Node{{Kind: richtext.Text, Text: "for "}, {Kind: richtext.UserMention, ID: string(who.ID), Text: who.Name}}}
	id, err := fs.SendFile(ctx, core.ChannelID(e.channel.ID), "", connector.Message{Body: body, Author: core.Author{Name: "Bob"}}, file())
	if err != nil {
		t.Fatal(err)
	}
	p := e.harness(&textLog{}).Person.(*person)
	var m struct {
		Body     struct{ Content string }
		Mentions []struct {
			MentionText string
			Mentioned   struct{ User struct{ ID string } }
		}
	}
	if err := p.g.do(ctx, http.MethodGet, p.messages()+"/"+string(id), nil, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Mentions) != 1 || m.Mentions[0].Mentioned.User.ID != e.person.ID {
		t.Fatalf("mentions %+v in %q", m.Mentions, m.Body.Content)
	}
	if !strings.Contains(m.Body.Content, "<b>Bob</b>") {
		t.Fatalf("author not shown: %q", m.Body.Content)
	}
}

// TestSendFileShapes: a small picture is shown inside the card; a file in
// the General channel finds the team through what the bot's install told.
func TestSendFileShapes(t *testing.T) {
	e := newEnv(t)
	h := e.harness(&textLog{})
	ctx := t.Context()
	fs := e.client.(connector.FileSender)
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 2048)...)

	id, err := fs.SendFile(ctx, core.ChannelID(e.channel.ID), "", connector.Message{Body: richtext.Plain("a picture"), Author: core.Author{Name: "Bob"}},
		connector.File{Name: "p.png", MimeType: "image/png", Size: int64(len(png)), Body: strings.NewReader(string(png))})
	if err != nil {
		t.Fatal(err)
	}
	seen, err := h.Viewer.Message(ctx, "", id)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen.Files) != 1 || string(seen.Files[0]) != string(png) || !strings.Contains(seen.Text, "a picture") || seen.AuthorName != "Bob" {
		t.Fatalf("picture post seen as %d files, text %q, author %q", len(seen.Files), seen.Text, seen.AuthorName)
	}

	data := []byte("general data")
	id, err = fs.SendFile(ctx, core.ChannelID(e.team.GeneralChannel.ID), "", connector.Message{Body: richtext.Plain("in general"), Author: core.Author{Name: "Bob"}},
		connector.File{Name: "g.txt", MimeType: "text/plain", Size: int64(len(data)), Body: strings.NewReader(string(data))})
	if err != nil {
		t.Fatalf("SendFile to General: %v", err)
	}
	p := h.Person.(*person)
	gp := &person{g: p.g, id: p.id, email: p.email, team: p.team, channel: e.team.GeneralChannel.ID, texts: p.texts}
	seen, err = (&viewer{p: gp, uploads: e.uploads, texts: &textLog{}}).Message(ctx, "", id)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen.Files) != 1 || string(seen.Files[0]) != string(data) || !strings.Contains(seen.Text, "in general") {
		t.Fatalf("General file post seen as %d files, text %q", len(seen.Files), seen.Text)
	}
}

// TestHistoryEdges: History leaves out the bot's own posts, and an
// unknown starting message is ErrNotFound rather than everything.
func TestHistoryEdges(t *testing.T) {
	e := newEnv(t)
	h := e.harness(&textLog{})
	ctx := t.Context()
	ch := core.ChannelID(e.channel.ID)
	start, err := h.Person.Post(ctx, "start")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the channel's first activity", func() bool { return hasPost(e.events, start) })
	ours, err := e.client.Send(ctx, ch, connector.Message{Body: richtext.Plain("relayed"), Author: core.Author{Name: "Bob"}})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := h.Person.Post(ctx, "<b>not bold</b> & more")
	if err != nil {
		t.Fatal(err)
	}
	hist := e.client.(connector.History)
	evs, err := hist.History(ctx, ch, start, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Message != theirs || evs[0].Message == ours {
		t.Fatalf("history %d events, want only the person's later post", len(evs))
	}
	if got := richtext.RenderPlain(evs[0].Body); got != "<b>not bold</b> & more" {
		t.Fatalf("history body %q", got)
	}
	if _, err := hist.History(ctx, ch, "no-such-message", 10); !errors.Is(err, connector.ErrNotFound) {
		t.Fatalf("History after an unknown message = %v, want ErrNotFound", err)
	}
}

// memReactions is a ReactionStore in memory, standing for the database
// that outlives a gateway restart.
type memReactions struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *memReactions) LoadReactions(_ context.Context, tenant core.TenantID, ch core.ChannelID, id core.MessageID) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[string(tenant)+"|"+string(ch)+"|"+string(id)]
	return b, ok, nil
}

func (s *memReactions) SaveReactions(_ context.Context, tenant core.TenantID, ch core.ChannelID, id core.MessageID, state []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[string(tenant)+"|"+string(ch)+"|"+string(id)] = state
	return nil
}

// TestReactionCountsSurviveRestart: the counts drawn on a message live in
// the ReactionStore, so a gateway that restarts goes on counting in the
// same thread card ("👍 2"), instead of drawing a second "👍 1".
func TestReactionCountsSurviveRestart(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	h := e.harness(&textLog{})
	ch := core.ChannelID(e.channel.ID)
	theirs, err := h.Person.Post(ctx, "a person's message")
	if err != nil {
		t.Fatal(err)
	}
	saved := &memReactions{m: map[string][]byte{}}
	start := func() connector.Reactor {
		cfg := e.config()
		cfg.Reactions = saved
		cl, err := teamsconn.New(cfg).Install(ctx, connector.Installation{Tenant: "tenant-conformance", Workspace: core.WorkspaceID(e.tenant.ID)})
		if err != nil {
			t.Fatal(err)
		}
		return cl.(connector.Reactor)
	}
	if err := start().React(ctx, ch, theirs, "thumbsup"); err != nil {
		t.Fatal(err)
	}
	replyOf := func() core.MessageID {
		b, ok, _ := saved.LoadReactions(ctx, "tenant-conformance", ch, theirs)
		var st struct {
			Reply core.MessageID `json:"reply"`
		}
		if !ok || json.Unmarshal(b, &st) != nil || st.Reply == "" {
			t.Fatalf("saved state %s", b)
		}
		return st.Reply
	}
	card := replyOf()
	if raw := replyCard(t, e, theirs, card); !strings.Contains(raw, "👍 1") {
		t.Fatalf("thread card before the restart: %s", raw)
	}

	// The restart: a new connector and client, nothing in memory. Its
	// limiter is new too, so Teams' per-second limit may answer 429 once.
	after := start()
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := after.React(ctx, ch, theirs, "thumbsup")
		var rl *connector.RateLimitError
		if err == nil {
			break
		}
		if !errors.As(err, &rl) || time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(rl.RetryAfter)
	}
	if got := replyOf(); got != card {
		t.Fatalf("a second thread card %s after the restart; want %s edited", got, card)
	}
	if raw := replyCard(t, e, theirs, card); !strings.Contains(raw, "👍 2") {
		t.Fatalf("thread card after the restart: %s", raw)
	}
}

// replyCard is the card of reply id in root's thread, as Graph shows it.
func replyCard(t *testing.T, e *env, root, id core.MessageID) string {
	t.Helper()
	p := e.harness(&textLog{}).Person.(*person)
	var m chatMessage
	if err := p.g.do(context.Background(), http.MethodGet, p.messages()+"/"+string(root)+"/replies/"+string(id), nil, &m); err != nil {
		t.Fatal(err)
	}
	for _, a := range m.Attachments {
		if a.Content != nil {
			return *a.Content
		}
	}
	t.Fatal("no card")
	return ""
}
