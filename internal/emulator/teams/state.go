package teams

import (
	"encoding/json"
	"slices"
	"time"

	"parley/internal/emulator/ids"
	"parley/internal/emulator/outbox"
)

// state is everything the emulated Teams knows. It is guarded by
// Emulator.mu; nothing in it is safe to touch without that lock.
type state struct {
	ids       ids.Set
	messageID ids.Increasing // epoch milliseconds

	tenants  map[string]*tenant
	users    map[string]*user // by AAD object ID
	byMRI    map[string]*user // by "29:…" Teams user ID
	teams    map[string]*team // by aadGroupId
	channels map[string]*channel
	bots     map[string]*bot // by app ID
	tokens   map[string]*token
	chats    map[string]*chat // by the bots' conversation ID
	gchats   map[string]*chat // by Graph chat id
	items    map[string]*driveItem
	drives   map[string]*team      // drive ID → owning team
	dlKeys   map[string]*driveItem // pre-authenticated download key → item
}

func newState() *state {
	return &state{
		tenants:  map[string]*tenant{},
		users:    map[string]*user{},
		byMRI:    map[string]*user{},
		teams:    map[string]*team{},
		channels: map[string]*channel{},
		bots:     map[string]*bot{},
		tokens:   map[string]*token{},
		chats:    map[string]*chat{},
		gchats:   map[string]*chat{},
		items:    map[string]*driveItem{},
		drives:   map[string]*team{},
		dlKeys:   map[string]*driveItem{},
	}
}

type tenant struct {
	id, name, domain string
	users            []string // AAD IDs in creation order
	teams            []string
}

type user struct {
	id, tenant, name, email, upn, mri string
	given, surname                    string
}

type team struct {
	id, tenant, name string
	threadID         string // the General channel's conversation ID, Teams' "team id"
	members          []string
	channels         []string // in creation order; [0] is General
	installs         []string // bot app IDs in install order
	driveID          string
	rootItem         string
}

func (t *team) isMember(userID string) bool { return slices.Contains(t.members, userID) }
func (t *team) hasBot(appID string) bool    { return slices.Contains(t.installs, appID) }

type channel struct {
	id, tenant, team, name string
	general                bool
	created                time.Time
	folder                 string // drive item ID of the channel's files folder
	msgs                   []*message
}

func (c *channel) find(id string) *message {
	for _, m := range c.msgs {
		if m.id == id {
			return m
		}
	}
	return nil
}

// chat is a personal chat between a bot and a person, or a group chat of
// people with bots installed.
type chat struct {
	id      string // the bots' conversation ID: "a:…" (personal) or "19:…@thread.v2" (group)
	graphID string // Graph's chat id: "19:<user>_<app>@unq.gbl.spaces" (personal) or id
	tenant  string
	bots    []string // app IDs; exactly one for a personal chat
	members []string // people's AAD IDs
	group   bool
	topic   string
	created time.Time
	msgs    []*message
}

func (ct *chat) find(id string) *message {
	for _, m := range ct.msgs {
		if m.id == id {
			return m
		}
	}
	return nil
}

func (ct *chat) hasBot(appID string) bool { return slices.Contains(ct.bots, appID) }

type bot struct {
	appID, secret, name, endpoint string
	activities                    *outbox.Lane // its activities, in order
}

func (b *bot) mri() string { return "28:" + b.appID }

// Token kinds: what a bearer token is good for.
const (
	tokenConnector = "bot"  // Bot Connector (/v3), aud api.botframework.com
	tokenGraphApp  = "app"  // Graph with application permissions
	tokenGraphUser = "user" // Graph with a person's delegated permissions
)

type token struct {
	value   string
	kind    string
	tenant  string // "" for connector tokens from the botframework.com authority
	appID   string
	userID  string
	expires time.Time // zero: never (delegated tokens of emulated people)
	// issued and scopes are set on delegated tokens from the sign-in flow
	// (entra.go); nil scopes mean delegatedScopes.
	issued time.Time
	scopes []string
}

// message is a channel or chat message. Text and file bytes live only in
// memory, as in the rest of the emulator.
type message struct {
	id, replyTo string // replyTo is the thread root for channel replies
	fromUser    string // AAD ID of a person, or
	fromBot     string // app ID of a bot
	contentType string // "html" or "text"
	content     string
	mentions    []mention
	attachments []json.RawMessage // Graph chatMessageAttachment objects
	reactions   []reaction
	created     time.Time
	modified    time.Time
	edited      time.Time
	deleted     time.Time
	importance  string
	subject     string
	summary     string
	replies     []string
}

type mention struct {
	id     int
	text   string
	userID string // AAD ID, or
	appID  string // a bot's app ID
	name   string
}

type reaction struct {
	kind    string // reactionType as given: "like", "heart", "💘", …
	userID  string
	created time.Time
}

type driveItem struct {
	id, driveID, parent, name string
	folder                    bool
	data                      []byte
	created, modified         time.Time
	etag                      string
	dlKey                     string
	createdBy                 string // AAD ID or app ID
}
