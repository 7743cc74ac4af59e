package gchat

import (
	"strings"
	"sync"
	"time"

	"parley/internal/core"
)

// messageIDPrefix starts the custom ID of every message Parley creates.
// Chat returns it as clientAssignedMessageId, so our own messages are known
// by it in any event, even after a restart.
const messageIDPrefix = "client-parley-"

// Echo memory bounds: an event about our own action arrives within
// seconds; a day covers redeliveries.
const (
	echoTTL  = 24 * time.Hour
	echoSize = 50000
)

// identity is who we are in one installed domain and what we did there
// recently, for echo suppression and thread lookups.
type identity struct {
	tenant core.TenantID
	domain core.WorkspaceID

	mu        sync.RWMutex
	appUser   string // the app's users/… name, learned from its posts
	relayUser string // the relay user's users/… name, learned from its actions

	ours    *recent // message and reaction names we created
	pending *recent // "message|unicode" reactions being added by us
	roots   *recent // thread name → root message name
	// reactions remembers "unicode|user" of reactions seen created, since
	// a deleted event names only the reaction.
	reactions *recent
}

func newIdentity(tenant core.TenantID, domain core.WorkspaceID, now func() time.Time) *identity {
	return &identity{
		tenant:  tenant,
		domain:  domain,
		ours:    newRecent(echoTTL, echoSize, now),
		pending: newRecent(time.Minute, 1000, now),
		roots:   newRecent(echoTTL, echoSize, now),

		reactions: newRecent(echoTTL, echoSize, now),
	}
}

func (id *identity) learnApp(user string) {
	if user == "" {
		return
	}
	id.mu.Lock()
	id.appUser = user
	id.mu.Unlock()
}

func (id *identity) learnRelay(user string) {
	if user == "" {
		return
	}
	id.mu.Lock()
	id.relayUser = user
	id.mu.Unlock()
}

// oursMessage reports whether m is a message Parley posted.
func (id *identity) oursMessage(m *wireMessage) bool {
	if m == nil {
		return false
	}
	if strings.HasPrefix(m.ClientAssignedMessageID, messageIDPrefix) || id.ours.has(m.Name) {
		return true
	}
	if m.Sender == nil || m.Sender.Name == "" {
		return false
	}
	id.mu.RLock()
	defer id.mu.RUnlock()
	return (m.Sender.Type == "BOT" && m.Sender.Name == id.appUser) || m.Sender.Name == id.relayUser
}

// oursReaction reports whether r is a reaction Parley added or removed.
func (id *identity) oursReaction(r *wireReaction, unicode string) bool {
	if id.ours.has(r.Name) {
		return true
	}
	if r.User != nil && r.User.Name != "" {
		id.mu.RLock()
		relay := id.relayUser
		id.mu.RUnlock()
		if relay != "" {
			return r.User.Name == relay
		}
	}
	// Until the relay user is known, a reaction we are adding right now is
	// recognised by its message and emoji.
	return id.pending.has(messageOfReaction(r.Name) + "|" + unicode)
}
