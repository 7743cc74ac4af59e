package slack

// apiConversationsKick removes a member from a channel, as an admin does
// when they remove an app: the app then gets not_in_channel when it posts
// there, which is how tests prove a permanent failure is reported.
func apiConversationsKick(c *call) resp {
	ch, fail := c.channelArg("channel")
	if fail != nil {
		return fail
	}
	target := c.args["user"]
	u := c.e.st.users[target]
	switch {
	case target == "":
		return errResp("user_not_found")
	case u == nil || u.team != ch.team:
		return errResp("user_not_found")
	case target == c.tok.userID:
		return errResp("cant_kick_self")
	case !ch.isMember(c.tok.userID):
		return errResp("not_in_channel")
	case !ch.isMember(target):
		return errResp("not_in_channel")
	}
	c.e.leaveLocked(ch, target)
	return resp{"ok": true}
}
