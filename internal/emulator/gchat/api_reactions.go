package gchat

import (
	"unicode/utf8"
)

// Reactions need user auth: the methods' documentation lists only user
// scopes (chat.bot appears in the discovery scope list, but Google's guide
// says "requires user authentication"), so app calls get 403.
var (
	scopesReactWrite = []string{"chat.messages.reactions", "chat.messages.reactions.create", "chat.messages", "chat.import"}
	scopesReactRead  = []string{"chat.messages.reactions", "chat.messages.reactions.readonly", "chat.messages", "chat.messages.readonly", "chat.import"}
)

const reactionsUserOnly = "Reactions require user authentication."

func apiReactionsCreate(c *call) (any, *apiError) {
	if ae := c.needScopes(scopesReactWrite, nil, reactionsUserOnly); ae != nil {
		return nil, ae
	}
	s, ae := c.spaceFor()
	if ae != nil {
		return nil, ae
	}
	e := c.e
	m, ae := e.findMessage(s, c.r.PathValue("message"))
	if ae != nil {
		return nil, ae
	}
	var in struct {
		Emoji struct {
			Unicode     string `json:"unicode"`
			CustomEmoji struct {
				UID string `json:"uid"`
			} `json:"customEmoji"`
		} `json:"emoji"`
	}
	if ae := decode(c.body, &in); ae != nil {
		return nil, ae
	}
	uni, custom := in.Emoji.Unicode, in.Emoji.CustomEmoji.UID
	if (uni == "") == (custom == "") {
		return nil, errInvalid("Exactly one of emoji.unicode and emoji.customEmoji must be set.")
	}
	if uni != "" && !validEmoji(uni) {
		return nil, errInvalid("Invalid emoji.unicode.")
	}
	if custom != "" {
		return nil, errNotFound("Custom emoji not found.")
	}
	for _, r := range m.reactions {
		if r.user == c.p.id() && r.unicode == uni {
			return nil, errExists("Reaction already exists.")
		}
	}
	r := &reaction{name: m.name + "/reactions/" + e.newOpaqueID(), user: c.p.id(), unicode: uni}
	m.reactions = append(m.reactions, r)
	e.publish(s, "google.workspace.chat.reaction.v1.created", r.name, func(full bool) any {
		if !full {
			return map[string]any{"reaction": map[string]any{"name": r.name}}
		}
		return map[string]any{"reaction": reactionJSON(r)}
	})
	return reactionJSON(r), nil
}

// validEmoji accepts a short string of non-ASCII, non-control runes (an
// emoji, possibly with modifiers and joiners); the emulator has no emoji
// catalogue.
func validEmoji(s string) bool {
	if len(s) > 64 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x80 {
			return false
		}
	}
	return true
}

func reactionJSON(r *reaction) map[string]any {
	return map[string]any{"name": r.name, "user": map[string]any{"name": r.user, "type": "HUMAN"}, "emoji": emojiJSON(r)}
}

// apiReactionsList lists a message's reactions; filter supports
// emoji.unicode = "…" and user.name = "users/…", OR within a field, AND
// between fields.
func apiReactionsList(c *call) (any, *apiError) {
	if ae := c.needScopes(scopesReactRead, nil, reactionsUserOnly); ae != nil {
		return nil, ae
	}
	s, ae := c.spaceFor()
	if ae != nil {
		return nil, ae
	}
	m, ae := c.e.findMessage(s, c.r.PathValue("message"))
	if ae != nil {
		return nil, ae
	}
	q := c.r.URL.Query()
	size, ok := pageSize(q.Get("pageSize"), 25, 200)
	if !ok {
		return nil, errInvalid("Invalid pageSize.")
	}
	offset, ok := parsePageToken(q.Get("pageToken"))
	if !ok {
		return nil, errInvalid("Invalid pageToken.")
	}
	groups, err := parseFilter(q.Get("filter"))
	if err != nil {
		return nil, errInvalid("Invalid filter: %s.", err.Error())
	}
	for _, g := range groups {
		for _, cd := range g {
			if cd.op != "=" || (cd.field != "emoji.unicode" && cd.field != "user.name" && cd.field != "emoji.custom_emoji.uid") || cd.field != g[0].field {
				return nil, errInvalid("Invalid filter: use emoji.unicode, emoji.custom_emoji.uid or user.name with =, OR within one field.")
			}
		}
	}
	var all []*reaction
	for _, r := range m.reactions {
		if matchReaction(r, groups) {
			all = append(all, r)
		}
	}
	out := map[string]any{}
	if offset < len(all) {
		end := min(offset+size, len(all))
		var page []map[string]any
		for _, r := range all[offset:end] {
			page = append(page, reactionJSON(r))
		}
		out["reactions"] = page
		if end < len(all) {
			out["nextPageToken"] = pageToken(end)
		}
	}
	return out, nil
}

func matchReaction(r *reaction, groups [][]cond) bool {
	for _, g := range groups {
		hit := false
		for _, cd := range g {
			switch cd.field {
			case "emoji.unicode":
				hit = hit || r.unicode == cd.value
			case "emoji.custom_emoji.uid":
				hit = hit || r.emojiID == cd.value
			case "user.name":
				hit = hit || r.user == cd.value
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

// apiReactionsDelete removes the caller's own reaction.
func apiReactionsDelete(c *call) (any, *apiError) {
	if ae := c.needScopes(scopesReactWrite, nil, reactionsUserOnly); ae != nil {
		return nil, ae
	}
	s, ae := c.spaceFor()
	if ae != nil {
		return nil, ae
	}
	e := c.e
	m, ae := e.findMessage(s, c.r.PathValue("message"))
	if ae != nil {
		return nil, ae
	}
	name := m.name + "/reactions/" + c.r.PathValue("reaction")
	for i, r := range m.reactions {
		if r.name != name {
			continue
		}
		if r.user != c.p.id() {
			return nil, errDenied("The caller can only delete its own reactions.")
		}
		m.reactions = append(m.reactions[:i], m.reactions[i+1:]...)
		e.publish(s, "google.workspace.chat.reaction.v1.deleted", r.name, func(bool) any {
			return map[string]any{"reaction": map[string]any{"name": r.name}}
		})
		return map[string]any{}, nil
	}
	return nil, errNotFound("Reaction not found.")
}
