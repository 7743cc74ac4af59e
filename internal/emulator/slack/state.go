package slack

import (
	"encoding/json"
	"slices"

	"parley/internal/emulator/ids"
	"parley/internal/emulator/outbox"
)

// state is everything the emulated Slack knows. It is guarded by
// Emulator.mu; nothing in it is safe to touch without that lock.
type state struct {
	ids ids.Set
	ts  ids.Increasing // microseconds

	teams    map[string]*team
	users    map[string]*user
	channels map[string]*channel
	apps     map[string]*app
	tokens   map[string]*token
	files    map[string]*file
	uploads  map[string]*file // by the secret key in upload_url
	// refresh holds rotating apps' refresh tokens (xoxe-1-…).
	refresh map[string]*refreshGrant
}

func newState() *state {
	return &state{
		teams:    map[string]*team{},
		users:    map[string]*user{},
		channels: map[string]*channel{},
		apps:     map[string]*app{},
		tokens:   map[string]*token{},
		files:    map[string]*file{},
		uploads:  map[string]*file{},
		refresh:  map[string]*refreshGrant{},
	}
}

type team struct {
	id, name, domain string
	users            []string // user IDs in creation order
	channels         []string // channel IDs in creation order
	installs         map[string]*install
}

type user struct {
	id, team, name, realName, email string
	isBot                           bool
	botID, appID                    string
	updated                         int64
}

type channel struct {
	id, team, name string
	created        int64
	creator        string
	isGeneral      bool
	extShared      bool // a Slack Connect channel
	members        []string
	msgs           []*message // top-level and replies, in ts order
}

func (c *channel) isMember(userID string) bool { return slices.Contains(c.members, userID) }

func (c *channel) find(ts string) *message {
	for _, m := range c.msgs {
		if m.ts == ts {
			return m
		}
	}
	return nil
}

func (c *channel) remove(ts string) {
	c.msgs = slices.DeleteFunc(c.msgs, func(m *message) bool { return m.ts == ts })
}

type app struct {
	id, name               string
	clientID, clientSecret string
	signingSecret          string
	requestURL             string
	verificationToken      string
	botScopes              []string
	redirectURLs           []string
	rotation               bool
	events                 *outbox.Lane // its events, in order
}

type install struct {
	team, appID, botUserID, botID, token string
}

// message is a stored message. Text and file bytes live only in memory, as
// in the rest of the emulator.
type message struct {
	ts, threadTS string
	user         string // author user ID (the bot user for app posts)
	botID, appID string
	subtype      string
	text         string
	blocks       json.RawMessage
	metadata     json.RawMessage
	username     string
	icons        map[string]string
	files        []string
	editedBy     string
	editedTS     string
	clientMsgID  string
	parentUserID string
	reactions    []*reaction
	replies      []string // reply ts values, for thread roots
	replyUsers   []string
}

type reaction struct {
	name  string
	users []string
}

func (m *message) isReply() bool { return m.threadTS != "" && m.threadTS != m.ts }
