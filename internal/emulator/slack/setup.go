package slack

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"parley/internal/emulator/ids"
)

// Workspace is an emulated Slack workspace (a "team").
type Workspace struct {
	ID     string // "T…"
	Name   string
	Domain string // the subdomain part of <domain>.slack.com
}

// User is an emulated person with a user token (xoxp-) carrying
// userScopes.
type User struct {
	ID       string // "U…"
	Team     string
	Name     string // the handle
	RealName string
	Email    string
	Token    string // "xoxp-…"
}

// Channel is an emulated public channel.
type Channel struct {
	ID   string // "C…"
	Name string
}

// AppSpec describes a Slack app as its developer configures it.
type AppSpec struct {
	Name          string
	ClientID      string
	ClientSecret  string
	SigningSecret string
	// RequestURL is the Events API endpoint. Set here it is trusted as
	// already verified; set later through the control API it is verified
	// with a url_verification challenge first, as Slack does.
	RequestURL string
	BotScopes  []string
	// RedirectURLs are the OAuth redirect URLs of the app's settings; an
	// authorize request's redirect_uri must equal one of them.
	RedirectURLs []string
	// TokenRotation opts the app into token rotation: access tokens
	// (xoxe.xoxb-1-…, xoxe.xoxp-1-…) expire after 12 hours and come with
	// a refresh token (xoxe-1-…) for oauth.v2.access.
	TokenRotation bool
}

// App is a registered app.
type App struct {
	ID   string // "A…"
	Name string
}

// Installation is an app installed in a workspace; the bot user exists in
// the workspace but is a member of no channel until invited or joined.
type Installation struct {
	Team      string
	BotToken  string // "xoxb-…"
	BotUserID string // "U…"
	BotID     string // "B…"
	AppID     string
}

// userScopes are the scopes of every emulated person's token: what a
// typical user token for a bridging gateway is granted.
var userScopes = []string{
	"chat:write", "channels:history", "channels:read", "reactions:write",
	"reactions:read", "files:write", "files:read", "users:read", "users:read.email",
}

var nonDomain = regexp.MustCompile(`[^a-z0-9-]+`)

// AddWorkspace creates a workspace.
func (e *Emulator) AddWorkspace(name string) Workspace {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := e.newID("T")
	domain := strings.Trim(nonDomain.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if domain == "" {
		domain = strings.ToLower(id)
	}
	e.st.teams[id] = &team{id: id, name: name, domain: domain, installs: map[string]*install{}}
	return Workspace{ID: id, Name: name, Domain: domain}
}

// AddUser creates a person in team with a user token. It returns the zero
// User if team does not exist.
func (e *Emulator) AddUser(team, name, email string) User {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.st.teams[team]
	if t == nil {
		return User{}
	}
	handle := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), " ", ".")
	real := name
	if real != "" {
		real = strings.ToUpper(real[:1]) + real[1:]
	}
	u := &user{id: e.newID("U"), team: team, name: handle, realName: real, email: email, updated: e.now().Unix()}
	e.st.users[u.id] = u
	t.users = append(t.users, u.id)
	tok := &token{
		value:  "xoxp-" + ids.String(ids.Digits, 13) + "-" + ids.String(ids.Digits, 13) + "-" + ids.String(ids.Digits, 13) + "-" + ids.Hex(16),
		kind:   tokenUser,
		team:   team,
		userID: u.id,
		scopes: slices.Clone(userScopes),
	}
	e.st.tokens[tok.value] = tok
	return User{ID: u.id, Team: team, Name: handle, RealName: real, Email: email, Token: tok.value}
}

// AddChannel creates a public channel in team with the given member user
// IDs (unknown IDs are ignored). The first channel of a workspace is its
// #general. It returns the zero Channel if team does not exist.
func (e *Emulator) AddChannel(team, name string, members ...string) Channel {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.st.teams[team]
	if t == nil {
		return Channel{}
	}
	c := &channel{id: e.newID("C"), team: team, name: name, created: e.now().Unix(), isGeneral: len(t.channels) == 0}
	for _, m := range members {
		if u := e.st.users[m]; u != nil && u.team == team && !c.isMember(m) {
			c.members = append(c.members, m)
			if c.creator == "" {
				c.creator = m
			}
		}
	}
	e.st.channels[c.id] = c
	t.channels = append(t.channels, c.id)
	return Channel{ID: c.id, Name: name}
}

// AddApp registers an app and starts its event delivery queue.
func (e *Emulator) AddApp(spec AppSpec) App {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := &app{
		id:                e.newID("A"),
		name:              spec.Name,
		clientID:          spec.ClientID,
		clientSecret:      spec.ClientSecret,
		signingSecret:     spec.SigningSecret,
		requestURL:        spec.RequestURL,
		verificationToken: ids.String(ids.Alnum, 24),
		botScopes:         slices.Clone(spec.BotScopes),
		redirectURLs:      slices.Clone(spec.RedirectURLs),
		rotation:          spec.TokenRotation,
	}
	a.events = e.events.NewLane()
	e.st.apps[a.id] = a
	return App{ID: a.id, Name: a.name}
}

// Install installs an app in team, creating its bot user and bot token.
// Installing twice returns the existing installation. It returns the zero
// Installation if the app or team does not exist.
func (e *Emulator) Install(appID, team string) Installation {
	e.mu.Lock()
	defer e.mu.Unlock()
	in, err := e.installLocked(appID, team)
	if err != nil {
		return Installation{}
	}
	return Installation{Team: in.team, BotToken: in.token, BotUserID: in.botUserID, BotID: in.botID, AppID: in.appID}
}

func (e *Emulator) installLocked(appID, teamID string) (*install, error) {
	a, t := e.st.apps[appID], e.st.teams[teamID]
	if a == nil || t == nil {
		return nil, fmt.Errorf("install %s in %s: unknown app or team", appID, teamID)
	}
	if in := t.installs[appID]; in != nil {
		return in, nil
	}
	handle := strings.Trim(nonDomain.ReplaceAllString(strings.ToLower(a.name), "_"), "_")
	if handle == "" {
		handle = "bot"
	}
	bot := &user{id: e.newID("U"), team: teamID, name: handle, realName: a.name, isBot: true, botID: e.newID("B"), appID: appID, updated: e.now().Unix()}
	e.st.users[bot.id] = bot
	t.users = append(t.users, bot.id)
	tok := &token{
		value:  "xoxb-" + ids.String(ids.Digits, 13) + "-" + ids.String(ids.Digits, 13) + "-" + ids.String(ids.Alnum, 24),
		kind:   tokenBot,
		team:   teamID,
		userID: bot.id,
		botID:  bot.botID,
		appID:  appID,
		scopes: slices.Clone(a.botScopes),
	}
	e.st.tokens[tok.value] = tok
	in := &install{team: teamID, appID: appID, botUserID: bot.id, botID: bot.botID, token: tok.value}
	t.installs[appID] = in
	return in, nil
}

// Invite adds userID (a person or a bot user) to a channel and emits
// member_joined_channel.
func (e *Emulator) Invite(team, channel, userID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.st.channels[channel]
	if c == nil || c.team != team {
		return fmt.Errorf("invite to %s in %s: channel_not_found", channel, team)
	}
	u := e.st.users[userID]
	if u == nil || u.team != team {
		return fmt.Errorf("invite %s to %s: user_not_found", userID, channel)
	}
	e.joinLocked(c, u, "")
	return nil
}

// ShareExternally makes a channel a Slack Connect channel, shared with
// another organisation: conversations.info says is_ext_shared, event
// envelopes is_ext_shared_channel, and message events carry each file as
// a stub with file_access "check_file_info" that only files.info fills
// in, as Slack sends them there.
func (e *Emulator) ShareExternally(team, channel string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.st.channels[channel]
	if c == nil || c.team != team {
		return fmt.Errorf("share %s in %s: channel_not_found", channel, team)
	}
	c.extShared = true
	return nil
}

// Kick removes a member (e.g. the app's bot) from a channel, as a workspace
// admin does; member_left_channel is sent. The Web API's conversations.kick
// does the same for a token with the scope.
func (e *Emulator) Kick(team, channel, userID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.st.channels[channel]
	if c == nil || c.team != team {
		return fmt.Errorf("kick from %s in %s: channel_not_found", channel, team)
	}
	if !c.isMember(userID) {
		return fmt.Errorf("kick %s from %s: not_in_channel", userID, channel)
	}
	e.leaveLocked(c, userID)
	return nil
}

// leaveLocked removes a member and tells subscribed apps.
func (e *Emulator) leaveLocked(c *channel, userID string) {
	c.members = slices.DeleteFunc(c.members, func(id string) bool { return id == userID })
	e.emit(c, scopeChannels, map[string]any{
		"type": "member_left_channel", "user": userID, "channel": c.id,
		"channel_type": "C", "team": c.team, "event_ts": e.newTS(),
	})
}

// joinLocked makes u a member of c and tells subscribed apps; a no-op if u
// is already a member.
func (e *Emulator) joinLocked(c *channel, u *user, inviter string) bool {
	if c.isMember(u.id) {
		return false
	}
	c.members = append(c.members, u.id)
	e.emitMemberJoined(c, u, inviter)
	return true
}
