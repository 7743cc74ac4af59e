package slack

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"parley/internal/emulator/ids"
)

// maxTextRunes is where Slack truncates message text (and warns
// message_truncated) instead of failing; the emulator does the same.
const maxTextRunes = 40000

// maxBlocks is Slack's block count limit per message.
const maxBlocks = 50

// channelArg resolves a channel argument, by ID or by #name as
// chat.postMessage allows, within the caller's workspace.
func (c *call) channelArg(name string) (*channel, resp) {
	v := strings.TrimSpace(c.args[name])
	if v == "" {
		return nil, errResp("channel_not_found")
	}
	if ch := c.e.st.channels[v]; ch != nil && ch.team == c.tok.team {
		return ch, nil
	}
	wanted := strings.TrimPrefix(v, "#")
	for _, id := range c.e.st.teams[c.tok.team].channels {
		if ch := c.e.st.channels[id]; ch.name == wanted {
			return ch, nil
		}
	}
	return nil, errResp("channel_not_found")
}

// canRead reports whether the caller may read a channel: people may read
// any public channel, bots only channels they are in.
func (c *call) canRead(ch *channel) bool {
	return c.tok.kind == tokenUser || ch.isMember(c.tok.userID)
}

// content validates text and blocks; it returns the (possibly truncated)
// text, the blocks, and a warning or an error answer.
func (c *call) content(required bool) (text string, blocks json.RawMessage, warning string, fail resp) {
	text = c.args["text"]
	if c.args["markdown_text"] != "" && text == "" {
		text = c.args["markdown_text"]
	}
	raw, present, err := c.args.jsonArg("blocks")
	if err != nil {
		return "", nil, "", errResp("invalid_blocks")
	}
	if present {
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			return "", nil, "", errResp("invalid_blocks")
		}
		if len(list) > maxBlocks {
			return "", nil, "", errResp("invalid_blocks")
		}
		for _, b := range list {
			var obj map[string]any
			if json.Unmarshal(b, &obj) != nil || obj["type"] == nil {
				return "", nil, "", errResp("invalid_blocks")
			}
		}
		if len(list) > 0 {
			blocks = raw
		}
	}
	if required && strings.TrimSpace(text) == "" && blocks == nil && strings.TrimSpace(c.args["attachments"]) == "" {
		return "", nil, "", errResp("no_text")
	}
	if utf8.RuneCountInString(text) > maxTextRunes {
		text = string([]rune(text)[:maxTextRunes])
		warning = "message_truncated"
	}
	return text, blocks, warning, nil
}

func withWarning(r resp, warning string) resp {
	if warning != "" {
		r["warning"] = warning
		r["response_metadata"] = map[string]any{"warnings": []string{warning}}
	}
	return r
}

func apiChatPostMessage(c *call) resp {
	ch, fail := c.channelArg("channel")
	if fail != nil {
		return fail
	}
	isBot := c.tok.kind == tokenBot
	if !ch.isMember(c.tok.userID) && !(isBot && c.tok.has("chat:write.public")) {
		return errResp("not_in_channel")
	}
	text, blocks, warning, fail := c.content(true)
	if fail != nil {
		return fail
	}
	m := &message{user: c.tok.userID, text: text, blocks: blocks}
	if meta, present, err := c.args.jsonArg("metadata"); present {
		var parsed struct {
			EventType    string          `json:"event_type"`
			EventPayload json.RawMessage `json:"event_payload"`
		}
		if err != nil || json.Unmarshal(meta, &parsed) != nil || parsed.EventType == "" {
			return errResp("invalid_metadata_format")
		}
		m.metadata = meta
	}
	root, fail := c.threadRoot(ch)
	if fail != nil {
		return fail
	}
	if isBot {
		m.botID, m.appID = c.tok.botID, c.tok.appID
		if c.tok.has("chat:write.customize") {
			if un := strings.TrimSpace(c.args["username"]); un != "" {
				m.username = un
				m.subtype = "bot_message"
			}
			switch {
			case c.args["icon_url"] != "":
				if u, err := url.Parse(c.args["icon_url"]); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
					m.icons = map[string]string{"image_48": c.args["icon_url"]}
				}
			case c.args["icon_emoji"] != "":
				m.icons = map[string]string{"emoji": c.args["icon_emoji"]}
			}
			if m.icons != nil && m.subtype == "" {
				m.subtype = "bot_message"
			}
		}
	} else {
		m.clientMsgID = newUUID()
	}
	c.e.appendMessage(ch, m, root, c.args.flag("reply_broadcast"))
	c.e.emitMessage(ch, m)
	return withWarning(resp{"ok": true, "channel": ch.id, "ts": m.ts, "message": c.e.renderMessage(m, true)}, warning)
}

// threadRoot resolves thread_ts to the thread's root message; nil if the
// call is not a reply. A reply's ts resolves to its root, as in Slack.
func (c *call) threadRoot(ch *channel) (*message, resp) {
	tts := c.args["thread_ts"]
	if tts == "" {
		return nil, nil
	}
	if _, ok := parseTS(tts); !ok {
		return nil, errResp("invalid_thread_ts")
	}
	root := ch.find(tts)
	if root != nil && root.isReply() {
		root = ch.find(root.threadTS)
	}
	if root == nil {
		return nil, errResp("thread_not_found")
	}
	return root, nil
}

// appendMessage gives m its ts, threads it under root (if any) and stores
// it. broadcast marks a reply also sent to the channel.
func (e *Emulator) appendMessage(ch *channel, m *message, root *message, broadcast bool) {
	m.ts = e.newTS()
	if root != nil {
		m.threadTS = root.ts
		m.parentUserID = root.user
		if broadcast && m.subtype == "" {
			m.subtype = "thread_broadcast"
		}
		root.replies = append(root.replies, m.ts)
		if !slices.Contains(root.replyUsers, m.user) {
			root.replyUsers = append(root.replyUsers, m.user)
		}
	}
	ch.msgs = append(ch.msgs, m)
}

// ownMessage reports whether the caller posted m: a bot owns what its bot
// user posted, a person what they posted.
func (c *call) ownMessage(m *message) bool {
	if c.tok.kind == tokenBot {
		return m.botID == c.tok.botID
	}
	return m.user == c.tok.userID && m.botID == ""
}

func apiChatUpdate(c *call) resp {
	ch, fail := c.channelArg("channel")
	if fail != nil {
		return fail
	}
	m := ch.find(c.args["ts"])
	if m == nil || m.subtype == "tombstone" {
		return errResp("message_not_found")
	}
	if !c.ownMessage(m) {
		return errResp("cant_update_message")
	}
	text, blocks, warning, fail := c.content(true)
	if fail != nil {
		return fail
	}
	previous := c.e.eventMessage(ch, m)
	m.text, m.blocks = text, blocks
	m.editedBy, m.editedTS = c.tok.userID, c.e.newTS()
	if meta, present, err := c.args.jsonArg("metadata"); present && err == nil {
		m.metadata = meta
	}
	c.e.emitChanged(ch, m, previous)
	return withWarning(resp{"ok": true, "channel": ch.id, "ts": m.ts, "text": m.text, "message": c.e.renderMessage(m, true)}, warning)
}

func apiChatDelete(c *call) resp {
	ch, fail := c.channelArg("channel")
	if fail != nil {
		return fail
	}
	m := ch.find(c.args["ts"])
	if m == nil || m.subtype == "tombstone" {
		return errResp("message_not_found")
	}
	if !c.ownMessage(m) {
		return errResp("cant_delete_message")
	}
	previous := c.e.eventMessage(ch, m)
	if len(m.replies) > 0 {
		// A thread root with replies stays as a tombstone so the thread
		// remains readable, as in Slack.
		*m = message{ts: m.ts, threadTS: m.threadTS, user: "USLACKBOT", subtype: "tombstone",
			text: "This message was deleted.", replies: m.replies, replyUsers: m.replyUsers}
	} else {
		ch.remove(m.ts)
		if m.isReply() {
			if root := ch.find(m.threadTS); root != nil {
				root.replies = removeString(root.replies, m.ts)
			}
		}
	}
	c.e.emitDeleted(ch, m.ts, previous)
	return resp{"ok": true, "channel": ch.id, "ts": m.ts}
}

func apiChatGetPermalink(c *call) resp {
	ch, fail := c.channelArg("channel")
	if fail != nil {
		return fail
	}
	m := ch.find(c.args["message_ts"])
	if m == nil {
		return errResp("message_not_found")
	}
	return resp{"ok": true, "channel": ch.id, "permalink": c.e.permalink(ch, m)}
}

// permalink mirrors Slack's https://<domain>.slack.com/archives/C…/p<ts
// without dot>[?thread_ts=…&cid=…] on the emulator's origin.
func (e *Emulator) permalink(ch *channel, m *message) string {
	link := e.base.URL() + "/archives/" + ch.id + "/p" + strings.Replace(m.ts, ".", "", 1)
	if m.isReply() {
		link += "?thread_ts=" + m.threadTS + "&cid=" + ch.id
	}
	return link
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

func newUUID() string {
	h := ids.Hex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}
