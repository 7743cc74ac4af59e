package teams

import (
	"encoding/json"
	"net/http"
	"strings"

	"parley/internal/emulator/ids"
)

// conversationParameters is the body of POST /v3/conversations.
type conversationParameters struct {
	IsGroup bool `json:"isGroup"`
	Members []struct {
		ID string `json:"id"`
	} `json:"members"`
	TopicName   string          `json:"topicName"`
	TenantID    string          `json:"tenantId"`
	Activity    json.RawMessage `json:"activity"`
	ChannelData struct {
		Tenant struct {
			ID string `json:"id"`
		} `json:"tenant"`
		Channel struct {
			ID string `json:"id"`
		} `json:"channel"`
	} `json:"channelData"`
}

func decodeConversationParameters(body []byte) (*conversationParameters, bool) {
	var p conversationParameters
	if json.Unmarshal(body, &p) != nil {
		return nil, false
	}
	return &p, true
}

// createConversation answers POST /v3/conversations: a new thread in a
// channel (channelData.channel.id and an activity), or the bot's personal
// chat with one person. Teams does not let bots create group chats.
func (e *Emulator) createConversation(c *connCall) {
	if tooBig(c.body) {
		c.fail(http.StatusRequestEntityTooLarge, "MessageSizeTooBig", "Message size too big.")
		return
	}
	p, ok := decodeConversationParameters(c.body)
	if !ok {
		c.fail(http.StatusBadRequest, "BadSyntax", "Invalid conversation parameters.")
		return
	}
	var act *inActivity
	if len(p.Activity) > 0 && string(p.Activity) != "null" {
		a, code := decodeActivity(p.Activity)
		if code != "" {
			c.fail(http.StatusBadRequest, code, "Invalid activity.")
			return
		}
		act = a
	}
	if chID := p.ChannelData.Channel.ID; chID != "" {
		e.createChannelThread(c, parseConversationID(chID), act)
		return
	}
	if p.IsGroup || len(p.Members) != 1 {
		c.fail(http.StatusBadRequest, "BadArgument", "Bots can only create one-on-one conversations or channel threads.")
		return
	}
	tenantID := p.TenantID
	if tenantID == "" {
		tenantID = p.ChannelData.Tenant.ID
	}
	if !c.gate(tenantID, "", nil) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.st.byMRI[p.Members[0].ID]
	if u == nil {
		u = e.st.users[p.Members[0].ID]
	}
	if u == nil || (tenantID != "" && u.tenant != tenantID) {
		c.fail(http.StatusNotFound, "NotFound", "The user was not found in the tenant.")
		return
	}
	if !e.botSharesTeam(c.tok.appID, u) {
		c.fail(http.StatusForbidden, "Forbidden", "The bot is not installed for the user.")
		return
	}
	ct := e.personalChat(c.tok.appID, u)
	res := map[string]any{"id": ct.id}
	if act != nil && act.Type == "message" {
		if !c.allow(ct.id, sendLimits) {
			return
		}
		m := e.botMessage(c.tok.appID, act)
		ct.msgs = append(ct.msgs, m)
		res["activityId"] = m.id
	}
	c.reply(http.StatusCreated, res)
}

func (e *Emulator) createChannelThread(c *connCall, ref convRef, act *inActivity) {
	if act == nil || act.Type != "message" {
		c.fail(http.StatusBadRequest, "BadArgument", "A channel conversation needs an initial message activity.")
		return
	}
	ref.root = ""
	if !c.gate(e.convTenant(ref), ref.channel, sendLimits) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ch, ok := c.resolveChannel(ref)
	if !ok {
		return
	}
	m := e.postToChannel(ch, "", c.tok.appID, act)
	c.reply(http.StatusCreated, map[string]any{"id": ch.id + ";messageid=" + m.id, "activityId": m.id})
}

// botSharesTeam reports whether the bot is installed in a team u belongs
// to, which Teams requires before a bot may message someone proactively.
func (e *Emulator) botSharesTeam(appID string, u *user) bool {
	for _, t := range e.st.teams {
		if t.tenant == u.tenant && t.hasBot(appID) && t.isMember(u.id) {
			return true
		}
	}
	return false
}

// personalChat returns the bot's 1:1 conversation with u, creating it the
// first time: Teams hands back the same ID on every create. The caller
// holds e.mu.
func (e *Emulator) personalChat(appID string, u *user) *chat {
	graphID := "19:" + u.id + "_" + appID + "@unq.gbl.spaces"
	if ct := e.st.gchats[graphID]; ct != nil {
		return ct
	}
	ct := &chat{
		id: e.unique(func() string { return "a:1" + ids.String(ids.URLSafe, 60) }), graphID: graphID,
		tenant: u.tenant, bots: []string{appID}, members: []string{u.id}, created: e.now(),
	}
	e.st.chats[ct.id] = ct
	e.st.gchats[graphID] = ct
	return ct
}

// teamByRef finds a team by its thread ID (what bots see as team.id) or
// its aadGroupId. The caller holds e.mu.
func (e *Emulator) teamByRef(id string) *team {
	if t := e.st.teams[id]; t != nil {
		return t
	}
	if ch := e.st.channels[strings.SplitN(id, ";", 2)[0]]; ch != nil && ch.general {
		return e.st.teams[ch.team]
	}
	return nil
}
