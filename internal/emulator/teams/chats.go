package teams

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"parley/internal/emulator/ids"
)

// Chat is a group chat of people.
type Chat struct {
	ID    string // "19:…@thread.v2": both Graph's chat id and the bots' conversation ID
	Topic string
}

// ErrUnknownChat is returned for a chat ID the emulator does not know.
var ErrUnknownChat = fmt.Errorf("teams emulator: unknown chat")

// AddGroupChat creates a group chat among people of a tenant (unknown IDs
// are ignored). It returns the zero Chat if the tenant does not exist.
func (e *Emulator) AddGroupChat(tenantID, topic string, members ...string) Chat {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.st.tenants[tenantID] == nil {
		return Chat{}
	}
	id := e.unique(func() string { return "19:" + ids.Hex(16) + "@thread.v2" })
	ct := &chat{id: id, graphID: id, tenant: tenantID, group: true, topic: topic, created: e.now()}
	for _, m := range members {
		if u := e.st.users[m]; u != nil && u.tenant == tenantID && !slices.Contains(ct.members, m) {
			ct.members = append(ct.members, m)
		}
	}
	e.st.chats[id] = ct
	e.st.gchats[id] = ct
	return Chat{ID: id, Topic: topic}
}

// InstallBotInChat adds a bot to a group chat with the RSC permission
// ChatMessage.Read.Chat, so it receives every message there; it gets
// conversationUpdate and installationUpdate. Installing twice is a no-op.
func (e *Emulator) InstallBotInChat(appID, chatID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	b := e.st.bots[appID]
	if b == nil {
		return fmt.Errorf("install bot %s: %w", appID, ErrUnknownBot)
	}
	ct := e.st.chats[chatID]
	if ct == nil || !ct.group {
		return fmt.Errorf("install bot in %s: %w", chatID, ErrUnknownChat)
	}
	if ct.hasBot(appID) {
		return nil
	}
	ct.bots = append(ct.bots, appID)
	from := map[string]any{"id": "29:1" + ct.id}
	if len(ct.members) > 0 {
		from = userAccount(e.st.users[ct.members[0]])
	}
	cd := map[string]any{"tenant": map[string]any{"id": ct.tenant}}
	cu := e.baseActivity("conversationUpdate", newActivityID(), from, chatConversation(ct), cd)
	cu["membersAdded"] = []any{map[string]any{"id": b.mri()}}
	e.emitTo(b, cu)
	iu := e.baseActivity("installationUpdate", newActivityID(), from, chatConversation(ct), map[string]any{
		"tenant": map[string]any{"id": ct.tenant}, "source": map[string]any{"name": "message"},
	})
	iu["action"] = "add"
	e.emitTo(b, iu)
	return nil
}

// PersonalChatID is Graph's id of the 1:1 chat between a person and a
// bot ("19:<userId>_<appId>@unq.gbl.spaces"); people post there with
// POST /v1.0/chats/{id}/messages and the bot receives personal-scope
// activities whose conversation ID is the "a:…" one.
func PersonalChatID(userID, appID string) string {
	return "19:" + userID + "_" + appID + "@unq.gbl.spaces"
}

// chatAccess resolves a Graph chat id for the caller: a member person, or
// — for the 1:1 chat with a bot that shares a team with them — the person
// whose chat it is, creating it as Teams does when the chat is first
// opened. App tokens have no chat permissions here. The caller holds
// e.mu.
func (g *graphCall) chatAccess(id string) (*chat, bool) {
	if !g.isUser() {
		g.forbidden()
		return nil, false
	}
	ct := g.e.st.gchats[id]
	if ct == nil {
		if inner, ok := strings.CutSuffix(strings.TrimPrefix(id, "19:"), "@unq.gbl.spaces"); ok {
			userID, appID, _ := strings.Cut(inner, "_")
			u := g.e.st.users[userID]
			if userID == g.tok.userID && u != nil && g.e.st.bots[appID] != nil && g.e.botSharesTeam(appID, u) {
				ct = g.e.personalChat(appID, u)
			}
		}
	}
	if ct == nil || ct.tenant != g.tok.tenant {
		g.notFound("Chat")
		return nil, false
	}
	if !slices.Contains(ct.members, g.tok.userID) {
		g.forbidden()
		return nil, false
	}
	return ct, true
}

func (e *Emulator) graphChat(ct *chat) map[string]any {
	typ, topic := "oneOnOne", any(nil)
	if ct.group {
		typ = "group"
		if ct.topic != "" {
			topic = ct.topic
		}
	}
	return map[string]any{
		"id": ct.graphID, "topic": topic, "chatType": typ, "tenantId": ct.tenant,
		"createdDateTime": ct.created.UTC().Format(graphTime), "lastUpdatedDateTime": ct.created.UTC().Format(graphTime),
		"webUrl": "https://teams.microsoft.com/l/chat/" + ct.graphID + "/0?tenantId=" + ct.tenant,
	}
}

// graphMyChats answers GET /me/chats.
func (e *Emulator) graphMyChats(g *graphCall) {
	if !g.isUser() {
		g.fail(http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var chats []*chat
	for _, ct := range e.st.gchats {
		if slices.Contains(ct.members, g.tok.userID) {
			chats = append(chats, ct)
		}
	}
	slices.SortFunc(chats, func(a, b *chat) int { return a.created.Compare(b.created) })
	out := []any{}
	for _, ct := range chats {
		out = append(out, e.graphChat(ct))
	}
	g.reply(http.StatusOK, map[string]any{"value": out})
}

// graphGetChat answers GET /chats/{chat}.
func (e *Emulator) graphGetChat(g *graphCall) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ct, ok := g.chatAccess(g.r.PathValue("chat"))
	if !ok {
		return
	}
	g.reply(http.StatusOK, e.graphChat(ct))
}
