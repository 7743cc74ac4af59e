package sandbox

import (
	"fmt"
	"strings"

	slackemu "parley/internal/emulator/slack"
)

// The demo: two companies on Slack, acme and globex, sharing a channel the
// way Slack Connect would, without either giving the other access to its
// workspace. Carol exists in both (same email) so mentions of her become
// native on both sides; Alice and Bob exist only in their own company.
type demoPerson struct{ name, email string }

type demoWorkspace struct {
	name     string
	people   []demoPerson
	channels []string
	linked   string // the channel in the shared room
}

var demoSlack = []demoWorkspace{
	{name: "acme", linked: "partners", channels: []string{"general", "partners"},
		people: []demoPerson{{"alice", "alice@acme.example"}, {"carol", "carol@acme.example"}, {"dave", "dave@acme.example"}}},
	{name: "globex", linked: "acme-shared", channels: []string{"general", "acme-shared"},
		people: []demoPerson{{"bob", "bob@globex.example"}, {"carol", "carol@acme.example"}, {"erin", "erin@globex.example"}}},
}

// botScopes are what Parley's Slack app asks for: the least it needs to
// relay messages, threads, edits, deletes, reactions, files and mentions
// and to post under the author's name.
var botScopes = []string{
	"chat:write", "chat:write.customize", "channels:history", "channels:read", "channels:join",
	"groups:history", "groups:read", "reactions:read", "reactions:write",
	"files:read", "files:write", "users:read", "users:read.email",
}

// slackDemo is the demo as created in the emulator.
type slackDemo struct {
	appID      string
	workspaces []SlackWorkspace
	bots       map[string]string // workspace ID → bot token
	links      []ManifestLink
}

func buildSlackDemo(emu *slackemu.Emulator, spec slackemu.AppSpec, benchChannels int) (*slackDemo, error) {
	app := emu.AddApp(spec)
	d := &slackDemo{appID: app.ID, bots: map[string]string{}}
	room := func(id string) *ManifestLink {
		for i := range d.links {
			if d.links[i].ID == id {
				return &d.links[i]
			}
		}
		d.links = append(d.links, ManifestLink{ID: id, Name: id})
		return &d.links[len(d.links)-1]
	}
	room("partners").Name = "acme ↔ globex partners"
	for _, w := range demoSlack {
		ws := emu.AddWorkspace(w.name)
		mw := SlackWorkspace{ID: ws.ID, Name: ws.Name}
		var members []string
		for _, p := range w.people {
			u := emu.AddUser(ws.ID, p.name, p.email)
			members = append(members, u.ID)
			mw.Users = append(mw.Users, Person{ID: u.ID, Name: u.Name, Email: u.Email, Token: u.Token})
		}
		inst := emu.Install(app.ID, ws.ID)
		d.bots[ws.ID] = inst.BotToken
		mw.BotUserID = inst.BotUserID
		channels := append([]string(nil), w.channels...)
		for i := 1; i <= benchChannels; i++ {
			channels = append(channels, fmt.Sprintf("bench-%d", i))
		}
		for _, name := range channels {
			ch := emu.AddChannel(ws.ID, name, members...)
			mw.Channels = append(mw.Channels, NamedChannel{ID: ch.ID, Name: ch.Name})
			// The bot is in every demo channel, as an admin who wants to
			// link channels through the admin API would have invited it.
			if err := emu.Invite(ws.ID, ch.ID, inst.BotUserID); err != nil {
				return nil, fmt.Errorf("invite bot: %w", err)
			}
			linkID := ""
			switch {
			case name == w.linked:
				linkID = "partners"
			case strings.HasPrefix(name, "bench-"):
				linkID = name
			default:
				continue
			}
			l := room(linkID)
			l.Channels = append(l.Channels, ManifestChannel{Platform: "slack", Workspace: ws.ID, Channel: ch.ID})
		}
		d.workspaces = append(d.workspaces, mw)
	}
	return d, nil
}
