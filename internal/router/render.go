package router

import (
	"context"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

// render builds what dest shows for ev: the author as a person of the
// source workspace, and a body whose mentions point at the same people and
// channels on the destination when they exist there.
func (r *Router) render(ctx context.Context, ev core.Event, dest core.ChannelRef) (connector.Message, error) {
	src, err := r.clients.Client(ev.Tenant, ev.Source.Platform, ev.Source.Workspace)
	if err != nil {
		return connector.Message{}, err
	}
	dst, err := r.clients.Client(ev.Tenant, dest.Platform, dest.Workspace)
	if err != nil {
		return connector.Message{}, err
	}
	srcDir, _ := src.(connector.Directory)
	dstDir, _ := dst.(connector.Directory)

	author := ev.Author
	if srcDir != nil && author.ID != "" && author.Name == "" {
		if a, err := srcDir.User(ctx, author.ID); err == nil {
			author = a
		}
	}
	if author.Name == "" {
		author.Name = "someone"
	}
	if n := r.names(ev.Tenant, ev.Source.Platform, ev.Source.Workspace); n != "" {
		author.Name += " (" + n + ")"
	}

	body := ev.Body.Clone()
	links := r.links.Load()
	mapNodes(body.Nodes, func(n *richtext.Node) {
		switch n.Kind {
		case richtext.UserMention:
			*n = r.mapUser(ctx, *n, srcDir, dstDir)
		case richtext.ChannelMention:
			if id, ok := links.counterpart(ev.Tenant, core.ChannelRef{Platform: ev.Source.Platform, Workspace: ev.Source.Workspace, Channel: core.ChannelID(n.ID)}, dest); ok {
				n.ID = string(id)
			} else {
				*n = richtext.Node{Kind: richtext.Text, Text: "#" + nonEmpty(n.Text, "channel")}
			}
		case richtext.Broadcast:
			// @here and @channel of one company must not page another
			// company's whole channel: shown, not acted on.
			*n = richtext.Node{Kind: richtext.Text, Text: "@" + n.Text}
		}
	})
	return connector.Message{Body: body, Author: author}, nil
}

// mapUser turns a mention of a source person into a native mention of the
// same person (matched by email) at the destination, or their name.
func (r *Router) mapUser(ctx context.Context, n richtext.Node, srcDir, dstDir connector.Directory) richtext.Node {
	name := n.Text
	if srcDir != nil && n.ID != "" {
		p, err := srcDir.User(ctx, core.UserID(n.ID))
		switch {
		case err != nil:
			r.log.Debug("mention not mapped", "reason", "source lookup", "err", err)
		case dstDir == nil || p.Email == "":
			name = nonEmpty(name, p.Name)
			r.log.Debug("mention not mapped", "reason", "no directory or email")
		default:
			name = nonEmpty(name, p.Name)
			q, err := dstDir.UserByEmail(ctx, p.Email)
			if err == nil && q.ID != "" {
				return richtext.Node{Kind: richtext.UserMention, ID: string(q.ID), Text: nonEmpty(q.Name, name)}
			}
			r.log.Debug("mention not mapped", "reason", "not found at the destination", "err", err)
		}
	}
	return richtext.Node{Kind: richtext.Text, Text: "@" + nonEmpty(name, "someone")}
}

func mapNodes(ns []richtext.Node, fn func(*richtext.Node)) {
	for i := range ns {
		fn(&ns[i])
		mapNodes(ns[i].Children, fn)
	}
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
