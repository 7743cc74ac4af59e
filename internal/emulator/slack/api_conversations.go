package slack

import (
	"encoding/base64"
	"strings"
)

// Cursors are opaque to clients; the emulator encodes them as Slack does,
// base64 of "<kind>:<position>" (e.g. "next_ts:1512085861000543").
func encodeCursor(kind, pos string) string {
	return base64.StdEncoding.EncodeToString([]byte(kind + ":" + pos))
}

func decodeCursor(cursor, kind string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(cursor)
	if err != nil {
		return "", false
	}
	k, pos, ok := strings.Cut(string(b), ":")
	return pos, ok && k == kind && pos != ""
}

// window is the oldest/latest/inclusive filter shared by history and
// replies.
type window struct {
	oldest, latest int64
	inclusive      bool
}

func (c *call) window() (window, resp) {
	w := window{oldest: 0, latest: 1 << 62, inclusive: c.args.flag("inclusive")}
	if v := c.args["oldest"]; v != "" {
		t, ok := parseTS(v)
		if !ok {
			return w, errResp("invalid_ts_oldest")
		}
		w.oldest = t
	}
	if v := c.args["latest"]; v != "" && v != "0" {
		t, ok := parseTS(v)
		if !ok {
			return w, errResp("invalid_ts_latest")
		}
		w.latest = t
	}
	return w, nil
}

func (w window) contains(ts string) bool {
	t, _ := parseTS(ts)
	if w.inclusive {
		return t >= w.oldest && t <= w.latest
	}
	return t > w.oldest && t < w.latest
}

func tsMicros(ts string) string {
	t, _ := parseTS(ts)
	return formatTS(t)
}

func apiConversationsHistory(c *call) resp {
	ch, fail := c.channelArg("channel")
	if fail != nil {
		return fail
	}
	if !c.canRead(ch) {
		return errResp("not_in_channel")
	}
	w, fail := c.window()
	if fail != nil {
		return fail
	}
	before := int64(1 << 62)
	if cur := c.args["cursor"]; cur != "" {
		t, ok := cursorTS(cur)
		if !ok {
			return errResp("invalid_cursor")
		}
		before = t
	}
	limit := c.args.limit(100, 999)
	withMeta := c.args.flag("include_all_metadata")
	var page []any
	hasMore := false
	var last string
	for i := len(ch.msgs) - 1; i >= 0; i-- {
		m := ch.msgs[i]
		if m.isReply() && m.subtype != "thread_broadcast" {
			continue
		}
		if t, _ := parseTS(m.ts); t >= before || !w.contains(m.ts) {
			continue
		}
		if len(page) == limit {
			hasMore = true
			break
		}
		page = append(page, c.e.renderMessage(m, withMeta))
		last = m.ts
	}
	if page == nil {
		page = []any{}
	}
	out := resp{"ok": true, "messages": page, "has_more": hasMore, "pin_count": 0,
		"channel_actions_ts": nil, "channel_actions_count": 0}
	if hasMore {
		out["response_metadata"] = map[string]any{"next_cursor": encodeCursor("next_ts", strings.Replace(tsMicros(last), ".", "", 1))}
	}
	return out
}

// cursorTS reads a next_ts cursor back into a ts value.
func cursorTS(cur string) (int64, bool) {
	pos, ok := decodeCursor(cur, "next_ts")
	if !ok || len(pos) < 7 {
		return 0, false
	}
	return parseTS(pos[:len(pos)-6] + "." + pos[len(pos)-6:])
}

func apiConversationsReplies(c *call) resp {
	ch, fail := c.channelArg("channel")
	if fail != nil {
		return fail
	}
	if !c.canRead(ch) {
		return errResp("not_in_channel")
	}
	root := ch.find(c.args["ts"])
	if root != nil && root.isReply() {
		root = ch.find(root.threadTS)
	}
	if root == nil {
		return errResp("thread_not_found")
	}
	w, fail := c.window()
	if fail != nil {
		return fail
	}
	after := int64(-1)
	if cur := c.args["cursor"]; cur != "" {
		t, ok := cursorTS(cur)
		if !ok {
			return errResp("invalid_cursor")
		}
		after = t
	}
	limit := c.args.limit(1000, 1000)
	withMeta := c.args.flag("include_all_metadata")
	thread := []*message{root}
	for _, ts := range root.replies {
		if m := ch.find(ts); m != nil {
			thread = append(thread, m)
		}
	}
	var page []any
	hasMore := false
	var last string
	for _, m := range thread {
		t, _ := parseTS(m.ts)
		if t <= after || (m != root && !w.contains(m.ts)) {
			continue
		}
		if len(page) == limit {
			hasMore = true
			break
		}
		page = append(page, c.e.renderMessage(m, withMeta))
		last = m.ts
	}
	if page == nil {
		page = []any{}
	}
	out := resp{"ok": true, "messages": page, "has_more": hasMore}
	if hasMore {
		out["response_metadata"] = map[string]any{"next_cursor": encodeCursor("next_ts", strings.Replace(tsMicros(last), ".", "", 1))}
	}
	return out
}

func apiConversationsInfo(c *call) resp {
	ch, fail := c.channelArg("channel")
	if fail != nil {
		return fail
	}
	return resp{"ok": true, "channel": c.e.renderChannel(ch, c.tok.userID)}
}

func apiConversationsList(c *call) resp {
	types := c.args["types"]
	if types == "" {
		types = "public_channel"
	}
	if !strings.Contains(types, "public_channel") {
		return resp{"ok": true, "channels": []any{}, "response_metadata": map[string]any{"next_cursor": ""}}
	}
	ids := c.e.st.teams[c.tok.team].channels
	start := 0
	if cur := c.args["cursor"]; cur != "" {
		pos, ok := decodeCursor(cur, "team")
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
	limit := c.args.limit(100, 1000)
	page := []any{}
	next := ""
	for i := start; i < len(ids); i++ {
		if len(page) == limit {
			next = encodeCursor("team", ids[i])
			break
		}
		page = append(page, c.e.renderChannel(c.e.st.channels[ids[i]], c.tok.userID))
	}
	return resp{"ok": true, "channels": page, "response_metadata": map[string]any{"next_cursor": next}}
}

func apiConversationsJoin(c *call) resp {
	ch, fail := c.channelArg("channel")
	if fail != nil {
		return fail
	}
	u := c.e.st.users[c.tok.userID]
	out := resp{"ok": true}
	if !c.e.joinLocked(ch, u, "") {
		out = withWarning(out, "already_in_channel")
	}
	out["channel"] = c.e.renderChannel(ch, c.tok.userID)
	return out
}

func apiConversationsMembers(c *call) resp {
	ch, fail := c.channelArg("channel")
	if fail != nil {
		return fail
	}
	start := 0
	if cur := c.args["cursor"]; cur != "" {
		pos, ok := decodeCursor(cur, "user")
		if !ok {
			return errResp("invalid_cursor")
		}
		start = -1
		for i, id := range ch.members {
			if id == pos {
				start = i
			}
		}
		if start < 0 {
			return errResp("invalid_cursor")
		}
	}
	limit := c.args.limit(100, 1000)
	page := []string{}
	next := ""
	for i := start; i < len(ch.members); i++ {
		if len(page) == limit {
			next = encodeCursor("user", ch.members[i])
			break
		}
		page = append(page, ch.members[i])
	}
	return resp{"ok": true, "members": page, "response_metadata": map[string]any{"next_cursor": next}}
}
