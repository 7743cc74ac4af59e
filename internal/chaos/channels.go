package chaos

import (
	"context"
	"fmt"
	"net/url"
	"slices"

	"parley/internal/sandbox"
)

// channel is one linked channel as its people see it: post writes as a
// person (reply to the native ID thread when it is not ""), read lists
// every message oldest first, thread replies included.
type channel struct {
	key  string // platform/workspace/channel
	post func(ctx context.Context, text, thread string) (id string, err error)
	read func(ctx context.Context) ([]seen, error)
}

// people returns the demo people of a channel's workspace, so the run can
// post as one and read as another.
func people(m *sandbox.Manifest, ch sandbox.ManifestChannel) ([]sandbox.Person, error) {
	p := m.Platforms
	switch ch.Platform {
	case "slack":
		for _, w := range p.Slack.Workspaces {
			if w.ID == ch.Workspace {
				return w.Users, nil
			}
		}
	case "teams":
		for _, t := range p.Teams.Tenants {
			if t.ID == ch.Workspace {
				return t.Users, nil
			}
		}
	case "gchat":
		for _, d := range p.GChat.Domains {
			if d.Name == ch.Workspace {
				return d.Users, nil
			}
		}
	case "webex":
		for _, o := range p.Webex.Orgs {
			if o.ID == ch.Workspace {
				return o.Users, nil
			}
		}
	}
	return nil, fmt.Errorf("chaos: no people for %s workspace %s", ch.Platform, ch.Workspace)
}

// newChannel wires a linked channel to its platform's API. poster and
// reader pick which demo person writes and which one reads.
func newChannel(c *client, m *sandbox.Manifest, ch sandbox.ManifestChannel, poster, reader int) (*channel, error) {
	ps, err := people(m, ch)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("chaos: %s workspace %s has no people", ch.Platform, ch.Workspace)
	}
	w, r := ps[poster%len(ps)], ps[reader%len(ps)]
	out := &channel{key: ch.Platform + "/" + ch.Workspace + "/" + ch.Channel}
	switch ch.Platform {
	case "slack":
		api := m.Platforms.Slack.APIURL
		out.post = func(ctx context.Context, text, thread string) (string, error) {
			return slackPost(ctx, c, api, w.Token, ch.Channel, text, thread)
		}
		out.read = func(ctx context.Context) ([]seen, error) { return slackRead(ctx, c, api, r.Token, ch.Channel) }
	case "teams":
		team := ""
		for _, t := range m.Platforms.Teams.Tenants {
			for _, tm := range t.Teams {
				if slices.ContainsFunc(tm.Channels, func(n sandbox.NamedChannel) bool { return n.ID == ch.Channel }) {
					team = tm.ID
				}
			}
		}
		if team == "" {
			return nil, fmt.Errorf("chaos: no team has channel %s", ch.Channel)
		}
		base := m.Platforms.Teams.GraphURL + "teams/" + url.PathEscape(team) + "/channels/" + url.PathEscape(ch.Channel) + "/messages"
		out.post = func(ctx context.Context, text, _ string) (string, error) {
			return teamsPost(ctx, c, base, w.Token, text)
		}
		out.read = func(ctx context.Context) ([]seen, error) { return teamsRead(ctx, c, base, r.Token) }
	case "gchat":
		base := m.Platforms.GChat.APIURL + "v1/" + ch.Channel + "/messages"
		out.post = func(ctx context.Context, text, _ string) (string, error) {
			return gchatPost(ctx, c, base, w.Token, text)
		}
		out.read = func(ctx context.Context) ([]seen, error) { return gchatRead(ctx, c, base, r.Token) }
	case "webex":
		api := m.Platforms.Webex.APIURL
		out.post = func(ctx context.Context, text, _ string) (string, error) {
			return webexPost(ctx, c, api, w.Token, ch.Channel, text)
		}
		out.read = func(ctx context.Context) ([]seen, error) { return webexRead(ctx, c, api, r.Token, ch.Channel) }
	default:
		return nil, fmt.Errorf("chaos: unknown platform %q", ch.Platform)
	}
	return out, nil
}
