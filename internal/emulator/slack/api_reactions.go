package slack

import (
	"slices"
	"strings"

	"parley/internal/emoji"
)

// reactionTarget resolves channel + timestamp to a message.
func (c *call) reactionTarget() (*channel, *message, string, resp) {
	ch, fail := c.channelArg("channel")
	if fail != nil {
		return nil, nil, "", fail
	}
	if !c.canRead(ch) {
		return nil, nil, "", errResp("not_in_channel")
	}
	m := ch.find(c.args["timestamp"])
	if m == nil || m.subtype == "tombstone" {
		return nil, nil, "", errResp("message_not_found")
	}
	name := strings.Trim(c.args["name"], ":")
	// Slack knows its standard emoji and a workspace's custom ones; any
	// other name, a character such as "👍" included, is invalid_name.
	if !emoji.Known(name) {
		return nil, nil, "", errResp("invalid_name")
	}
	return ch, m, name, nil
}

func apiReactionsAdd(c *call) resp {
	ch, m, name, fail := c.reactionTarget()
	if fail != nil {
		return fail
	}
	i := slices.IndexFunc(m.reactions, func(r *reaction) bool { return r.name == name })
	if i < 0 {
		m.reactions = append(m.reactions, &reaction{name: name})
		i = len(m.reactions) - 1
	}
	r := m.reactions[i]
	if slices.Contains(r.users, c.tok.userID) {
		return errResp("already_reacted")
	}
	r.users = append(r.users, c.tok.userID)
	c.e.emitReaction(ch, m, "reaction_added", c.tok.userID, name)
	return resp{"ok": true}
}

func apiReactionsRemove(c *call) resp {
	ch, m, name, fail := c.reactionTarget()
	if fail != nil {
		return fail
	}
	i := slices.IndexFunc(m.reactions, func(r *reaction) bool { return r.name == name })
	if i < 0 || !slices.Contains(m.reactions[i].users, c.tok.userID) {
		return errResp("no_reaction")
	}
	r := m.reactions[i]
	r.users = slices.DeleteFunc(r.users, func(u string) bool { return u == c.tok.userID })
	if len(r.users) == 0 {
		m.reactions = slices.Delete(m.reactions, i, i+1)
	}
	c.e.emitReaction(ch, m, "reaction_removed", c.tok.userID, name)
	return resp{"ok": true}
}

func apiReactionsGet(c *call) resp {
	ch, fail := c.channelArg("channel")
	if fail != nil {
		return fail
	}
	if !c.canRead(ch) {
		return errResp("not_in_channel")
	}
	m := ch.find(c.args["timestamp"])
	if m == nil {
		return errResp("message_not_found")
	}
	msg := c.e.renderMessage(m, false)
	msg["permalink"] = c.e.permalink(ch, m)
	return resp{"ok": true, "type": "message", "channel": ch.id, "message": msg}
}
