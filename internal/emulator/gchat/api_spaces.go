package gchat

import "sort"

var (
	scopesSpaceRead  = []string{"chat.spaces", "chat.spaces.readonly"}
	scopesMemberRead = []string{"chat.memberships", "chat.memberships.readonly"}
)

func apiSpacesGet(c *call) (any, *apiError) {
	if ae := c.needScopes(scopesSpaceRead, scopesBot, ""); ae != nil {
		return nil, ae
	}
	s, ae := c.spaceFor()
	if ae != nil {
		return nil, ae
	}
	return c.e.spaceJSON(s), nil
}

// apiSpacesList lists the spaces the caller is a member of (for an app,
// the spaces it is installed in), by name.
func apiSpacesList(c *call) (any, *apiError) {
	if ae := c.needScopes(scopesSpaceRead, scopesBot, ""); ae != nil {
		return nil, ae
	}
	q := c.r.URL.Query()
	size, ok := pageSize(q.Get("pageSize"), 100, 1000)
	if !ok {
		return nil, errInvalid("Invalid pageSize.")
	}
	offset, ok := parsePageToken(q.Get("pageToken"))
	if !ok {
		return nil, errInvalid("Invalid pageToken.")
	}
	var all []*space
	for _, s := range c.e.st.spaces {
		if s.canAccess(c.p) {
			all = append(all, s)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	out := map[string]any{}
	if offset < len(all) {
		end := min(offset+size, len(all))
		var page []map[string]any
		for _, s := range all[offset:end] {
			page = append(page, c.e.spaceJSON(s))
		}
		out["spaces"] = page
		if end < len(all) {
			out["nextPageToken"] = pageToken(end)
		}
	}
	return out, nil
}

// apiMembersList lists the people in a space in join order. App
// memberships are left out, as Chat does by default.
func apiMembersList(c *call) (any, *apiError) {
	if ae := c.needScopes(scopesMemberRead, scopesBot, ""); ae != nil {
		return nil, ae
	}
	s, ae := c.spaceFor()
	if ae != nil {
		return nil, ae
	}
	q := c.r.URL.Query()
	size, ok := pageSize(q.Get("pageSize"), 100, 1000)
	if !ok {
		return nil, errInvalid("Invalid pageSize.")
	}
	offset, ok := parsePageToken(q.Get("pageToken"))
	if !ok {
		return nil, errInvalid("Invalid pageToken.")
	}
	out := map[string]any{}
	if offset < len(s.members) {
		end := min(offset+size, len(s.members))
		var page []map[string]any
		for _, m := range s.members[offset:end] {
			member := map[string]any{"name": m, "type": "HUMAN"}
			if u := c.e.st.users[m]; u != nil && c.p.isApp() {
				// Apps see display names of members (chat.bot); email is
				// never returned by memberships.
				member["displayName"] = u.displayName
			}
			page = append(page, map[string]any{
				"name":       s.name + "/members/" + m[len("users/"):],
				"state":      "JOINED",
				"role":       "ROLE_MEMBER",
				"member":     member,
				"createTime": ts(s.memberSince[m]),
			})
		}
		out["memberships"] = page
		if end < len(s.members) {
			out["nextPageToken"] = pageToken(end)
		}
	}
	return out, nil
}
