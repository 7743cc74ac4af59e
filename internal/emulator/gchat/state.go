package gchat

import (
	"encoding/json"
	"time"

	"parley/internal/emulator/ids"
	"parley/internal/emulator/outbox"
)

// state is the emulator's whole world; e.mu guards it.
type state struct {
	ids          ids.Set
	domains      map[string]*domain // by name
	users        map[string]*user   // by "users/N"
	usersByEmail map[string]*user
	tokens       map[string]*principal // access token → who
	spaces       map[string]*space     // by "spaces/X"
	apps         map[string]*app       // by service-account email
	appsByUser   map[string]*app       // by the app's "users/N"
	messages     map[string]*message   // by canonical name
	uploads      map[string]*upload    // by attachmentUploadToken
	media        map[string]*upload    // by attachmentDataRef.resourceName
	subs         map[string]*subscription
	topics       map[string]*app // Pub/Sub topic → app owning its push subscription
	ops          map[string]json.RawMessage
	pubsubSeq    int64
}

func newState() *state {
	return &state{
		domains: map[string]*domain{}, users: map[string]*user{},
		usersByEmail: map[string]*user{}, tokens: map[string]*principal{}, spaces: map[string]*space{},
		apps: map[string]*app{}, appsByUser: map[string]*app{}, messages: map[string]*message{},
		uploads: map[string]*upload{}, media: map[string]*upload{}, subs: map[string]*subscription{},
		topics: map[string]*app{}, ops: map[string]json.RawMessage{},
	}
}

type domain struct {
	name, customerID string
}

type user struct {
	name, displayName, email, domain string
}

// principal is who an access token authenticates: a person (user auth)
// or an app's service account (app auth).
type principal struct {
	user    *user
	app     *app
	scopes  map[string]bool
	expires time.Time // zero: never
}

func (p *principal) isApp() bool { return p.app != nil }

// id is the Chat user name acting: the person or the app's bot user.
func (p *principal) id() string {
	if p.app != nil {
		return p.app.userName
	}
	return p.user.name
}

func (p *principal) hasAny(scopes ...string) bool {
	for _, s := range scopes {
		if p.scopes[scopePrefix+s] {
			return true
		}
	}
	return false
}

// scopePrefix starts every Chat OAuth scope.
const scopePrefix = "https://www.googleapis.com/auth/"

type app struct {
	spec        AppSpec
	projectID   string
	saEmail     string
	saUniqueID  string
	pushSAEmail string
	pushSAID    string
	userName    string
	pubKeyPEM   []byte // the service account's public key, for assertions
	topic       string
	pushSub     string
	// interactions and pushes are its two delivery lanes: interaction
	// events to InteractionEndpoint, Pub/Sub messages to PushEndpoint.
	interactions, pushes *outbox.Lane
}

type space struct {
	name, displayName, domain, spaceType string
	created                              time.Time
	members                              []string // user names, in join order
	memberSince                          map[string]time.Time
	apps                                 []*app
	dmApp                                *app // for a DIRECT_MESSAGE with an app
	msgs                                 []*message
	clientIDs                            map[string]*message // clientAssignedMessageId → message
	requestIDs                           map[string]*message // caller|requestId → message
	threadKeys                           map[string]string   // caller|threadKey → thread name
	threads                              map[string]bool     // thread names
}

func (s *space) isMember(userName string) bool {
	_, ok := s.memberSince[userName]
	return ok
}

func (s *space) hasApp(a *app) bool {
	for _, x := range s.apps {
		if x == a {
			return true
		}
	}
	return false
}

// canAccess reports whether p may act in s: a person who is a member, or
// an app installed in it.
func (s *space) canAccess(p *principal) bool {
	if p.isApp() {
		return s.hasApp(p.app)
	}
	return s.isMember(p.user.name)
}

type message struct {
	name, space, thread string
	threadKey           string
	threadReply         bool
	senderName          string
	senderBot           bool
	text                string
	cardsV2             json.RawMessage
	clientID            string
	created, updated    time.Time
	deleted             bool
	deleteTime          time.Time
	deletionType        string
	attachments         []*attachment
	reactions           []*reaction
}

type attachment struct {
	name string
	up   *upload
}

type upload struct {
	token, resourceName, space, uploader string
	filename, contentType                string
	data                                 []byte
}

type reaction struct {
	name, user       string
	unicode, emojiID string // one of them is set
}
