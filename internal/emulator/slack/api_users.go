package slack

import "strings"

func (c *call) userArg() (*user, resp) {
	u := c.e.st.users[strings.TrimSpace(c.args["user"])]
	if u == nil || u.team != c.tok.team {
		return nil, errResp("user_not_found")
	}
	return u, nil
}

func apiUsersInfo(c *call) resp {
	u, fail := c.userArg()
	if fail != nil {
		return fail
	}
	return resp{"ok": true, "user": c.e.renderUser(u, c.tok.has("users:read.email"))}
}

func apiUsersList(c *call) resp {
	ids := c.e.st.teams[c.tok.team].users
	start := 0
	if cur := c.args["cursor"]; cur != "" {
		pos, ok := decodeCursor(cur, "user")
		if !ok {
			return errResp("invalid_cursor")
		}
		start = -1
		for i, id := range ids {
			if id == pos {
				start = i
			}
		}
		if start < 0 {
			return errResp("invalid_cursor")
		}
	}
	limit := c.args.limit(1000, 1000)
	page := []any{}
	next := ""
	withEmail := c.tok.has("users:read.email")
	for i := start; i < len(ids); i++ {
		if len(page) == limit {
			next = encodeCursor("user", ids[i])
			break
		}
		page = append(page, c.e.renderUser(c.e.st.users[ids[i]], withEmail))
	}
	return resp{"ok": true, "members": page, "cache_ts": c.e.now().Unix(), "response_metadata": map[string]any{"next_cursor": next}}
}

// apiUsersLookupByEmail matches emails case-insensitively, as Slack does.
func apiUsersLookupByEmail(c *call) resp {
	email := strings.TrimSpace(c.args["email"])
	if email == "" {
		return errResp("invalid_arguments")
	}
	for _, id := range c.e.st.teams[c.tok.team].users {
		if u := c.e.st.users[id]; u.email != "" && strings.EqualFold(u.email, email) {
			return resp{"ok": true, "user": c.e.renderUser(u, true)}
		}
	}
	return errResp("users_not_found")
}
