package sandbox

import (
	"fmt"

	gchatemu "parley/internal/emulator/gchat"
	teamsemu "parley/internal/emulator/teams"
	webexemu "parley/internal/emulator/webex"
)

// The other companies of the demo room: initech on Google Chat and
// umbrella on Webex. Carol (carol@acme.example) is on every platform, so
// a mention of her becomes native everywhere.
var (
	demoGChatPeople = []demoPerson{{"frank", "frank@initech.example"}, {"carol", "carol@acme.example"}, {"heidi", "heidi@initech.example"}}
	demoWebexPeople = []demoPerson{{"grace", "grace@umbrella.example"}, {"carol", "carol@acme.example"}, {"ivan", "ivan@umbrella.example"}}
)

// gchatDemo is the Google Chat side as created in the emulator.
type gchatDemo struct {
	domain     GChatDomain
	app        gchatemu.App
	relayToken string
	space      string
}

func buildGChatDemo(emu *gchatemu.Emulator, publicURL string) (*gchatDemo, error) {
	d := &gchatDemo{}
	dom := emu.AddDomain("initech.example")
	d.domain = GChatDomain{Name: dom.Name}
	var members []string
	for _, p := range demoGChatPeople {
		u := emu.AddUser(dom.Name, p.name, p.email)
		members = append(members, u.Name)
		d.domain.Users = append(d.domain.Users, Person{ID: u.Name, Name: p.name, Email: u.Email, Token: u.Token})
	}
	// Reactions and files need a person's authority in Google Chat: a
	// dedicated relay account, the way an admin would set one up.
	relay := emu.AddUser(dom.Name, "Parley Relay", "parley-relay@initech.example")
	d.relayToken = relay.Token
	space := emu.AddSpace(dom.Name, "Partners", append(members, relay.Name)...)
	d.space = space.Name
	d.domain.Spaces = append(d.domain.Spaces, GChatSpace{Name: space.Name, DisplayName: space.DisplayName})
	d.app = emu.RegisterApp(gchatemu.AppSpec{
		ProjectNumber: "424242424242", Name: "Parley",
		InteractionEndpoint: publicURL + "/gchat/events", PushEndpoint: publicURL + "/gchat/pubsub",
	})
	if err := emu.AddAppToSpace(d.app, space.Name); err != nil {
		return nil, fmt.Errorf("add app to space: %w", err)
	}
	return d, nil
}

// webexDemo is the Webex side as created in the emulator.
type webexDemo struct {
	org          WebexOrg
	serviceToken string
	room         string
}

func buildWebexDemo(emu *webexemu.Emulator) (*webexDemo, error) {
	d := &webexDemo{}
	org := emu.AddOrg("umbrella")
	d.org = WebexOrg{ID: org.ID, Name: org.Name}
	var members []string
	for _, p := range demoWebexPeople {
		u := emu.AddPerson(org.ID, p.name, p.email)
		members = append(members, u.ID)
		d.org.Users = append(d.org.Users, Person{ID: u.ID, Name: p.name, Email: u.Email, Token: u.Token})
	}
	// Parley reads every message through a service account's integration
	// token: a bot would only hear messages that mention it.
	svc := emu.AddPerson(org.ID, "Parley", "parley@umbrella.example")
	d.serviceToken = svc.Token
	room := emu.AddRoom(org.ID, "Partners", append(members, svc.ID)...)
	d.room = room.ID
	d.org.Rooms = append(d.org.Rooms, WebexRoom{ID: room.ID, Title: room.Title})
	return d, nil
}

var demoTeamsPeople = []demoPerson{{"judy", "judy@contoso.example"}, {"carol", "carol@acme.example"}, {"mallory", "mallory@contoso.example"}}

// teamsDemo is the Teams side as created in the emulator.
type teamsDemo struct {
	tenant    TeamsTenant
	appID     string
	appSecret string
	channel   string
}

func buildTeamsDemo(emu *teamsemu.Emulator, publicURL string) (*teamsDemo, error) {
	d := &teamsDemo{appSecret: randomHex(20)}
	ten := emu.AddTenant("contoso")
	d.tenant = TeamsTenant{ID: ten.ID, Name: ten.Name}
	var members []string
	for _, p := range demoTeamsPeople {
		u := emu.AddUser(ten.ID, p.name, p.email)
		members = append(members, u.ID)
		d.tenant.Users = append(d.tenant.Users, Person{ID: u.ID, Name: p.name, Email: u.Email, Token: u.Token})
	}
	team := emu.AddTeam(ten.ID, "Contoso", members...)
	ch := emu.AddChannel(ten.ID, team.ID, "Partners")
	d.channel = ch.ID
	d.tenant.Teams = append(d.tenant.Teams, TeamsTeam{ID: team.ID, Name: team.Name, Channels: []NamedChannel{
		{ID: team.GeneralChannel.ID, Name: team.GeneralChannel.Name}, {ID: ch.ID, Name: ch.Name},
	}})
	bot := emu.RegisterBot(teamsemu.BotSpec{AppSecret: d.appSecret, Name: "Parley", Endpoint: publicURL + "/teams/messages"})
	d.appID = bot.AppID
	if err := emu.InstallBot(bot.AppID, team.ID); err != nil {
		return nil, fmt.Errorf("install the Teams bot: %w", err)
	}
	return d, nil
}
