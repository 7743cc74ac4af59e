package teams

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"parley/internal/emulator/ids"
)

// Tenant is an emulated Entra ID (Azure AD) tenant: the Parley workspace.
type Tenant struct {
	ID     string // GUID
	Name   string
	Domain string // "<name>.onmicrosoft.com"
}

// User is an emulated person.
type User struct {
	ID    string // Entra object ID (GUID), Graph's user id and activities' aadObjectId
	Name  string // display name
	Email string // Graph mail
	UPN   string // userPrincipalName; the email when given, else name@domain
	BotID string // "29:…", the ID bots see in from.id and rosters
	Token string // delegated Graph token acting as this person
}

// Team is an emulated team; its first channel is General.
type Team struct {
	ID             string // aadGroupId (GUID), Graph's team id
	Name           string
	GeneralChannel Channel
}

// Channel is a standard channel of a team.
type Channel struct {
	ID   string // "19:…@thread.tacv2", the bot conversation ID and Graph channel id
	Name string
}

// BotSpec describes an Azure Bot registration (single-tenant app).
type BotSpec struct {
	AppID     string // GUID; generated when empty
	AppSecret string
	Name      string
	Endpoint  string // messaging endpoint URL, e.g. https://host/api/teams
}

// Bot is a registered bot.
type Bot struct {
	AppID string
	BotID string // "28:<appId>"
	Name  string
}

// delegatedScopes are what an emulated person's Graph token carries.
var delegatedScopes = "User.Read User.ReadBasic.All Team.ReadBasic.All Channel.ReadBasic.All ChannelMessage.Send ChannelMessage.Read.All ChannelMessage.ReadWrite Files.ReadWrite.All"

// Errors of the setup API.
var (
	ErrUnknownTenant = errors.New("teams emulator: unknown tenant")
	ErrUnknownTeam   = errors.New("teams emulator: unknown team")
	ErrUnknownBot    = errors.New("teams emulator: unknown bot")
)

var nonDomain = regexp.MustCompile(`[^a-z0-9]+`)

// AddTenant creates a tenant.
func (e *Emulator) AddTenant(name string) Tenant {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := e.unique(ids.UUID)
	domain := nonDomain.ReplaceAllString(strings.ToLower(name), "")
	if domain == "" {
		domain = "tenant" + id[:8]
	}
	domain += ".onmicrosoft.com"
	e.st.tenants[id] = &tenant{id: id, name: name, domain: domain}
	return Tenant{ID: id, Name: name, Domain: domain}
}

// AddUser creates a person in tenant with a delegated Graph token that
// does not expire. It returns the zero User if the tenant does not exist.
func (e *Emulator) AddUser(tenantID, name, email string) User {
	e.mu.Lock()
	defer e.mu.Unlock()
	tn := e.st.tenants[tenantID]
	if tn == nil {
		return User{}
	}
	upn := email
	if upn == "" {
		upn = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), " ", ".") + "@" + tn.domain
	}
	given, surname, _ := strings.Cut(name, " ")
	u := &user{id: e.unique(ids.UUID), tenant: tenantID, name: name, email: email, upn: upn, mri: e.newMRI(), given: given, surname: surname}
	e.st.users[u.id] = u
	e.st.byMRI[u.mri] = u
	tn.users = append(tn.users, u.id)
	now := e.now()
	tok := signJWT(e.keys.tokenKey(), map[string]any{
		"aud": "https://graph.microsoft.com", "iss": "https://sts.windows.net/" + tenantID + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(365 * 24 * time.Hour).Unix(),
		"oid": u.id, "tid": tenantID, "upn": upn, "name": name, "scp": delegatedScopes,
		"uti": ids.String(ids.URLSafe, 22), "ver": "1.0",
	})
	e.st.tokens[tok] = &token{value: tok, kind: tokenGraphUser, tenant: tenantID, userID: u.id}
	return User{ID: u.id, Name: name, Email: email, UPN: upn, BotID: u.mri, Token: tok}
}

// AddTeam creates a team with its General channel and files drive; members
// are user IDs of the tenant (others are ignored). It returns the zero
// Team if the tenant does not exist.
func (e *Emulator) AddTeam(tenantID, name string, members ...string) Team {
	e.mu.Lock()
	defer e.mu.Unlock()
	tn := e.st.tenants[tenantID]
	if tn == nil {
		return Team{}
	}
	t := &team{id: e.unique(ids.UUID), tenant: tenantID, name: name}
	for _, m := range members {
		if u := e.st.users[m]; u != nil && u.tenant == tenantID && !t.isMember(m) {
			t.members = append(t.members, m)
		}
	}
	t.driveID = e.unique(func() string { return "b!" + ids.String(ids.URLSafe, 64) })
	root := e.newFolder(t.driveID, "", "root")
	t.rootItem = root.id
	e.st.drives[t.driveID] = t
	e.st.teams[t.id] = t
	tn.teams = append(tn.teams, t.id)
	general := e.addChannelLocked(t, "General")
	t.threadID = general.id
	return Team{ID: t.id, Name: name, GeneralChannel: Channel{ID: general.id, Name: general.name}}
}

// AddChannel creates a standard channel in a team. It returns the zero
// Channel if the tenant or team does not exist.
func (e *Emulator) AddChannel(tenantID, teamID, name string) Channel {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.st.teams[teamID]
	if t == nil || t.tenant != tenantID {
		return Channel{}
	}
	c := e.addChannelLocked(t, name)
	return Channel{ID: c.id, Name: c.name}
}

func (e *Emulator) addChannelLocked(t *team, name string) *channel {
	c := &channel{id: e.newThreadID(), tenant: t.tenant, team: t.id, name: name, general: len(t.channels) == 0, created: e.now()}
	folder := e.newFolder(t.driveID, t.rootItem, name)
	c.folder = folder.id
	e.st.channels[c.id] = c
	t.channels = append(t.channels, c.id)
	return c
}

// RegisterBot registers a bot and starts its delivery queue. Registering
// an existing app ID updates its secret, name and endpoint.
func (e *Emulator) RegisterBot(spec BotSpec) Bot {
	e.mu.Lock()
	defer e.mu.Unlock()
	if spec.AppID == "" {
		spec.AppID = e.unique(ids.UUID)
	}
	if b := e.st.bots[spec.AppID]; b != nil {
		b.secret, b.name, b.endpoint = spec.AppSecret, spec.Name, spec.Endpoint
		return Bot{AppID: b.appID, BotID: b.mri(), Name: b.name}
	}
	b := &bot{appID: spec.AppID, secret: spec.AppSecret, name: spec.Name, endpoint: spec.Endpoint}
	b.activities = e.activities.NewLane()
	e.st.bots[b.appID] = b
	return Bot{AppID: b.appID, BotID: b.mri(), Name: b.name}
}

// InstallBot installs a bot in a team with the resource-specific consent
// ChannelMessage.Read.Group, so it receives every channel message, not
// only those that @mention it. The bot receives conversationUpdate
// (teamMemberAdded) and installationUpdate (add) in the General channel.
// Installing twice is a no-op.
func (e *Emulator) InstallBot(appID, teamID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	b := e.st.bots[appID]
	if b == nil {
		return fmt.Errorf("install bot %s: %w", appID, ErrUnknownBot)
	}
	t := e.st.teams[teamID]
	if t == nil {
		return fmt.Errorf("install bot in %s: %w", teamID, ErrUnknownTeam)
	}
	if t.hasBot(appID) {
		return nil
	}
	t.installs = append(t.installs, appID)
	e.emitInstall(b, t)
	return nil
}

// newFolder creates a folder item; the caller holds e.mu.
func (e *Emulator) newFolder(driveID, parent, name string) *driveItem {
	now := e.now()
	it := &driveItem{id: e.newItemID(), driveID: driveID, parent: parent, name: name, folder: true, created: now, modified: now, etag: ids.Hex(8)}
	e.st.items[it.id] = it
	return it
}

// newItemID returns a SharePoint-style drive item ID ("01" + 32 base32).
func (e *Emulator) newItemID() string {
	return e.unique(func() string { return "01" + ids.String(ids.Upper+"234567", 32) })
}
