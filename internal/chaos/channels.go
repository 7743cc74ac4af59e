package chaos

import (
	"context"
	"fmt"

	"parley/internal/platform"
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

// clients are the platforms' user-facing clients, by platform name.
type clients map[string]platform.Client

// people returns the demo people of a channel's workspace, so the run can
// post as one and read as another.
func (cs clients) people(ch sandbox.ManifestChannel) ([]sandbox.Person, error) {
	if c := cs[ch.Platform]; c != nil {
		for _, w := range c.Workspaces() {
			if w.ID == ch.Workspace {
				return w.People, nil
			}
		}
	}
	return nil, fmt.Errorf("chaos: no people for %s workspace %s", ch.Platform, ch.Workspace)
}

// newChannel wires a linked channel to its platform's user API. poster and
// reader pick which demo person writes and which one reads.
func (cs clients) newChannel(ch sandbox.ManifestChannel, poster, reader int) (*channel, error) {
	ps, err := cs.people(ch)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("chaos: %s workspace %s has no people", ch.Platform, ch.Workspace)
	}
	c := cs[ch.Platform]
	w, r := ps[poster%len(ps)], ps[reader%len(ps)]
	return &channel{
		key: ch.Platform + "/" + ch.Workspace + "/" + ch.Channel,
		post: func(ctx context.Context, text, thread string) (string, error) {
			return c.Post(ctx, w, ch.Workspace, ch.Channel, text, thread)
		},
		read: func(ctx context.Context) ([]seen, error) {
			msgs, err := c.Read(ctx, r, ch.Workspace, ch.Channel)
			out := make([]seen, len(msgs))
			for i, m := range msgs {
				out[i] = seen{id: m.ID, thread: m.Thread, raw: m.Raw}
			}
			return out, err
		},
	}, nil
}
