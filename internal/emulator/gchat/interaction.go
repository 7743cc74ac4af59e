package gchat

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/emulator/outbox"
)

// interactionTimeout is how long Chat waits for an app's answer to an
// interaction event; Google documents 30 seconds for a synchronous reply.
const interactionTimeout = 30 * time.Second

// interactionEvent builds a Chat interaction event (discovery schema
// DeprecatedEvent); the caller holds e.mu.
func interactionEvent(e *Emulator, typ string, s *space, by *user, m *message) map[string]any {
	ev := map[string]any{
		"type":      typ,
		"eventTime": ts(e.now()),
		"space":     e.spaceJSON(s),
		"common":    map[string]any{"userLocale": "en", "hostApp": "CHAT"},
	}
	if by != nil {
		ev["user"] = e.senderJSON(by.name, false, true)
	}
	if m != nil {
		ev["message"] = e.messageJSON(m, true)
		ev["thread"] = e.threadJSON(m)
	}
	return ev
}

// sendInteraction queues ev for a's interaction endpoint; the caller holds
// e.mu. Chat does not retry interaction events.
func (e *Emulator) sendInteraction(a *app, ev map[string]any) {
	url := a.spec.InteractionEndpoint
	if url == "" {
		return
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return
	}
	var thread string
	if m, ok := ev["message"].(map[string]any); ok {
		thread, _ = m["thread"].(map[string]any)["name"].(string)
	}
	sp, _ := ev["space"].(map[string]any)["name"].(string)
	a.interactions.Push(func(ctx context.Context, _ int) outbox.Result {
		return e.postInteraction(ctx, a, url, body, sp, thread)
	})
}

// chatToken mints the bearer token of an interaction event for a
// project-number audience.
func (e *Emulator) chatToken(audience string) string {
	now := e.wall()
	return e.chatKey.sign(jwt.MapClaims{
		"iss": chatIssuer, "aud": audience,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	})
}

func (e *Emulator) postInteraction(ctx context.Context, a *app, url string, body []byte, sp, thread string) outbox.Result {
	ctx, cancel := context.WithTimeout(ctx, interactionTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return outbox.Failed
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Google-Dynamite")
	req.Header.Set("Authorization", "Bearer "+e.chatToken(a.spec.ProjectNumber))
	res, err := e.base.Opts.HTTPClient.Do(req)
	if err != nil {
		e.base.Log.Debug("interaction delivery failed", "error_kind", "transport")
		return outbox.Failed
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, maxAPIBody))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		e.base.Log.Debug("interaction delivery rejected", "status", res.StatusCode)
		return outbox.Failed
	}
	e.syncReply(a, sp, thread, answer)
	return outbox.Delivered
}

// syncReply posts an app's synchronous answer (a Message JSON with text)
// into the thread of the event, as Chat does; an empty or {} answer posts
// nothing.
func (e *Emulator) syncReply(a *app, sp, thread string, answer []byte) {
	var reply struct {
		Text    string          `json:"text"`
		CardsV2 json.RawMessage `json:"cardsV2"`
	}
	if json.Unmarshal(answer, &reply) != nil || (reply.Text == "" && len(reply.CardsV2) == 0) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.st.spaces[sp]
	if s == nil || !s.hasApp(a) {
		return
	}
	p := &principal{app: a, scopes: map[string]bool{scopePrefix + "chat.bot": true}}
	in := createInput{Text: reply.Text, CardsV2: reply.CardsV2}
	in.Thread.Name = thread
	_, _ = e.createMessage(s, p, in, createParams{replyOption: "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"})
}
