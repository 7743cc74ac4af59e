package gchat

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"parley/internal/emulator/ids"
	"parley/internal/emulator/rsakey"
)

// Domain is an emulated Google Workspace customer (one company).
type Domain struct {
	Name       string // "acme.example"; the workspace key for faults and the request log
	CustomerID string // "customers/C0…"
}

// User is an emulated person. Token is a user OAuth access token carrying
// UserScopes, with which a script acts as the person through the Chat API.
type User struct {
	Name        string // "users/<21 digits>"
	DisplayName string
	Email       string
	Domain      string
	Token       string // "ya29.…"; does not expire
}

// UserScopes are the scopes of every User.Token.
var UserScopes = []string{
	scopePrefix + "chat.messages",
	scopePrefix + "chat.messages.reactions",
	scopePrefix + "chat.spaces",
	scopePrefix + "chat.memberships.readonly",
}

// Space is an emulated named space (spaceType SPACE) or direct message.
type Space struct {
	Name        string // "spaces/AAAA…"
	DisplayName string
	Domain      string
}

// AppSpec describes a Chat app as its developer configures it in the
// Google Cloud console.
type AppSpec struct {
	// ProjectNumber is the Cloud project number, the aud of interaction
	// tokens; digits, e.g. "123456789012". Required.
	ProjectNumber string
	// ProjectID is the Cloud project ID; default "parley-" + ProjectNumber.
	ProjectID string
	// Name is the app's display name (what mentions render as).
	Name string
	// InteractionEndpoint is the HTTP endpoint URL receiving interaction
	// events; empty: none are sent.
	InteractionEndpoint string
	// PushEndpoint is the push endpoint of the Pub/Sub subscription on the
	// app's topic (App.PubSubTopic); empty: events published there are
	// dropped, as with a topic without subscriptions.
	PushEndpoint string
	// PushAudience is the aud of push OIDC tokens; default PushEndpoint,
	// as in Pub/Sub.
	PushAudience string
}

// App is a registered Chat app.
type App struct {
	ProjectNumber string
	ProjectID     string
	Name          string
	// ServiceAccountEmail is the app's service account
	// ("<name>@<project>.iam.gserviceaccount.com").
	ServiceAccountEmail string
	// ServiceAccountKeyJSON is a key file in Google's format (type
	// service_account, private_key PKCS#8 PEM, client_email, token_uri =
	// TokenURL()); golang.org/x/oauth2/google.JWTConfigFromJSON accepts it.
	ServiceAccountKeyJSON []byte
	// UserName is the app's Chat user ("users/<digits>"), the sender.name
	// of its messages (sender.type BOT) and what mentions of it name.
	UserName string
	// PubSubTopic is where Workspace Events subscriptions should publish
	// ("projects/<id>/topics/chat-events"); the emulator pushes what lands
	// there to PushEndpoint.
	PubSubTopic string
	// PubSubSubscription is the push subscription's name, sent in every
	// push body as "subscription".
	PubSubSubscription string
	// PushServiceAccountEmail is the email claim of push OIDC tokens.
	PushServiceAccountEmail string
}

// AddDomain creates a Workspace customer named name (a DNS name).
func (e *Emulator) AddDomain(name string) Domain {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := &domain{name: name, customerID: "customers/C0" + ids.String(ids.Alnum, 7)}
	e.st.domains[name] = d
	return Domain{Name: d.name, CustomerID: d.customerID}
}

// AddUser creates a person in domain with a non-expiring user token.
func (e *Emulator) AddUser(domainName, displayName, email string) User {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := &user{name: e.newUserID(), displayName: displayName, email: email, domain: domainName}
	e.st.users[u.name] = u
	e.st.usersByEmail[strings.ToLower(email)] = u
	tok := "ya29.u" + ids.String(ids.URLSafe, 60)
	p := &principal{user: u, scopes: map[string]bool{}}
	for _, s := range UserScopes {
		p.scopes[s] = true
	}
	e.st.tokens[tok] = p
	return User{Name: u.name, DisplayName: displayName, Email: email, Domain: domainName, Token: tok}
}

// AddSpace creates a named space (spaceType SPACE) in domain; members are
// user names ("users/…"), possibly of other domains (external members).
// Unknown member names are skipped.
func (e *Emulator) AddSpace(domainName, displayName string, members ...string) Space {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.newSpace(domainName, displayName, "SPACE")
	for _, m := range members {
		if e.st.users[m] != nil && !s.isMember(m) {
			s.members = append(s.members, m)
			s.memberSince[m] = e.now()
		}
	}
	return Space{Name: s.name, DisplayName: displayName, Domain: domainName}
}

func (e *Emulator) newSpace(domainName, displayName, spaceType string) *space {
	s := &space{
		name: e.newSpaceID(), displayName: displayName, domain: domainName, spaceType: spaceType,
		created: e.now(), memberSince: map[string]time.Time{}, clientIDs: map[string]*message{},
		requestIDs: map[string]*message{}, threadKeys: map[string]string{}, threads: map[string]bool{},
	}
	e.st.spaces[s.name] = s
	return s
}

// RegisterApp creates a Chat app with a fresh service account and key.
// Call SetBaseURL first: the key's token_uri is TokenURL() at this moment.
func (e *Emulator) RegisterApp(spec AppSpec) App {
	priv := rsakey.Take()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		panic("gchat emulator: pkcs8: " + err.Error())
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		panic("gchat emulator: pkix: " + err.Error())
	}
	tokenURL := e.TokenURL()
	e.mu.Lock()
	defer e.mu.Unlock()
	if spec.ProjectID == "" {
		spec.ProjectID = "parley-" + spec.ProjectNumber
	}
	if spec.PushAudience == "" {
		spec.PushAudience = spec.PushEndpoint
	}
	slug := strings.ToLower(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, spec.Name))
	if slug == "" {
		slug = "chat-app"
	}
	a := &app{
		spec:        spec,
		projectID:   spec.ProjectID,
		saEmail:     fmt.Sprintf("%s@%s.iam.gserviceaccount.com", slug, spec.ProjectID),
		saUniqueID:  "1" + ids.String(ids.Digits, 20),
		pushSAEmail: fmt.Sprintf("pubsub-push@%s.iam.gserviceaccount.com", spec.ProjectID),
		pushSAID:    "1" + ids.String(ids.Digits, 20),
		userName:    e.newUserID(),
		pubKeyPEM:   pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}),
		topic:       "projects/" + spec.ProjectID + "/topics/chat-events",
	}
	for e.st.apps[a.saEmail] != nil {
		a.saEmail = fmt.Sprintf("%s-%s@%s.iam.gserviceaccount.com", slug, ids.String(ids.Digits, 4), spec.ProjectID)
	}
	a.pushSub = "projects/" + spec.ProjectID + "/subscriptions/chat-events-push"
	a.interactions, a.pushes = e.interactions.NewLane(), e.pushes.NewLane()
	e.st.apps[a.saEmail] = a
	e.st.appsByUser[a.userName] = a
	e.st.topics[a.topic] = a

	keyID := ids.Hex(20)
	keyJSON, _ := json.MarshalIndent(map[string]string{
		"type":                        "service_account",
		"project_id":                  spec.ProjectID,
		"private_key_id":              keyID,
		"private_key":                 string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
		"client_email":                a.saEmail,
		"client_id":                   a.saUniqueID,
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   tokenURL,
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"universe_domain":             "googleapis.com",
	}, "", "  ")
	return a.public(keyJSON)
}

func (a *app) public(keyJSON []byte) App {
	return App{
		ProjectNumber: a.spec.ProjectNumber, ProjectID: a.projectID, Name: a.spec.Name,
		ServiceAccountEmail: a.saEmail, ServiceAccountKeyJSON: keyJSON, UserName: a.userName,
		PubSubTopic: a.topic, PubSubSubscription: a.pushSub, PushServiceAccountEmail: a.pushSAEmail,
	}
}

// ErrNotFound is returned by setup methods given an unknown app, space or
// user.
var ErrNotFound = errors.New("gchat emulator: not found")

// AddAppToSpace installs app in space, as a member adding it from the
// space's app list, and sends the app an ADDED_TO_SPACE interaction event
// (user: the space's first member). Adding an app already there is a
// no-op.
func (e *Emulator) AddAppToSpace(pub App, spaceName string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.st.apps[pub.ServiceAccountEmail]
	s := e.st.spaces[spaceName]
	if a == nil || s == nil {
		return fmt.Errorf("add app %q to %q: %w", pub.ServiceAccountEmail, spaceName, ErrNotFound)
	}
	if s.hasApp(a) {
		return nil
	}
	s.apps = append(s.apps, a)
	var by *user
	if len(s.members) > 0 {
		by = e.st.users[s.members[0]]
	}
	e.sendInteraction(a, interactionEvent(e, "ADDED_TO_SPACE", s, by, nil))
	return nil
}

// AddDirectMessage creates the direct message between a person and an app
// (spaceType DIRECT_MESSAGE, singleUserBotDm): every message the person
// posts there reaches the app as a MESSAGE event. It sends ADDED_TO_SPACE.
func (e *Emulator) AddDirectMessage(pub App, userName string) (Space, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.st.apps[pub.ServiceAccountEmail]
	u := e.st.users[userName]
	if a == nil || u == nil {
		return Space{}, fmt.Errorf("direct message %q with %q: %w", userName, pub.ServiceAccountEmail, ErrNotFound)
	}
	s := e.newSpace(u.domain, "", "DIRECT_MESSAGE")
	s.members = []string{u.name}
	s.memberSince[u.name] = e.now()
	s.apps = []*app{a}
	s.dmApp = a
	e.sendInteraction(a, interactionEvent(e, "ADDED_TO_SPACE", s, u, nil))
	return Space{Name: s.name, Domain: u.domain}, nil
}

// AddMember adds a person to a space (no event is sent to apps; membership
// events are not emulated).
func (e *Emulator) AddMember(spaceName, userName string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.st.spaces[spaceName]
	if s == nil || e.st.users[userName] == nil {
		return fmt.Errorf("add %q to %q: %w", userName, spaceName, ErrNotFound)
	}
	if !s.isMember(userName) {
		s.members = append(s.members, userName)
		s.memberSince[userName] = e.now()
	}
	return nil
}
