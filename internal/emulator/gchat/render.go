package gchat

import (
	"strings"
	"time"
	"unicode/utf16"
)

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// mention is one <users/…> in a message's markup, resolved.
type mention struct {
	user    string // canonical "users/N" or "users/all"
	display string
	bot     bool
}

// resolveMentions canonicalizes <users/{id|email|app|all}> in text, as
// Chat does on write ("users/app" means the calling app), and returns the
// canonical markup. Unknown users stay as they were: Chat leaves such text
// alone rather than failing the write.
func (e *Emulator) resolveMentions(text string, p *principal) string {
	var b strings.Builder
	rest := text
	for {
		i := strings.Index(rest, "<users/")
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			b.WriteString(rest)
			return b.String()
		}
		ref := rest[i+len("<users/") : i+j]
		b.WriteString(rest[:i])
		if canon, ok := e.canonicalUser(ref, p); ok {
			b.WriteString("<" + canon + ">")
		} else {
			b.WriteString(rest[i : i+j+1])
		}
		rest = rest[i+j+1:]
	}
}

func (e *Emulator) canonicalUser(ref string, p *principal) (string, bool) {
	switch {
	case ref == "all":
		return "users/all", true
	case ref == "app" && p != nil && p.isApp():
		return p.app.userName, true
	case strings.Contains(ref, "@"):
		if u := e.st.usersByEmail[strings.ToLower(ref)]; u != nil {
			return u.name, true
		}
	default:
		if e.st.users["users/"+ref] != nil || e.st.appsByUser["users/"+ref] != nil {
			return "users/" + ref, true
		}
	}
	return "", false
}

// plainText renders canonical markup as Chat's plain text ("@Name" for each
// mention) and lists the mentions with their UTF-16 offsets into it.
func (e *Emulator) plainText(markup string) (string, []map[string]any, []mention) {
	var b strings.Builder
	var annotations []map[string]any
	var mentions []mention
	offset := 0 // UTF-16 units written so far
	write := func(s string) {
		b.WriteString(s)
		offset += len(utf16.Encode([]rune(s)))
	}
	rest := markup
	for {
		i := strings.Index(rest, "<users/")
		j := -1
		if i >= 0 {
			j = strings.IndexByte(rest[i:], '>')
		}
		if i < 0 || j < 0 {
			write(rest)
			return b.String(), annotations, mentions
		}
		name := rest[i+1 : i+j]
		m, ok := e.mentionOf(name)
		if !ok {
			write(rest[:i+j+1])
			rest = rest[i+j+1:]
			continue
		}
		write(rest[:i])
		start := offset
		write("@" + m.display)
		mentions = append(mentions, m)
		typ := "HUMAN"
		if m.bot {
			typ = "BOT"
		}
		annotations = append(annotations, map[string]any{
			"type": "USER_MENTION", "startIndex": start, "length": offset - start,
			"userMention": map[string]any{"type": "MENTION", "user": map[string]any{"name": m.user, "displayName": m.display, "type": typ}},
		})
		rest = rest[i+j+1:]
	}
}

func (e *Emulator) mentionOf(name string) (mention, bool) {
	if name == "users/all" {
		return mention{user: name, display: "all"}, true
	}
	if u := e.st.users[name]; u != nil {
		return mention{user: name, display: u.displayName}, true
	}
	if a := e.st.appsByUser[name]; a != nil {
		return mention{user: name, display: a.spec.Name, bot: true}, true
	}
	return mention{}, false
}

// argumentText strips app mentions from the plain text, as Chat does.
func argumentText(plain string, annotations []map[string]any) string {
	u := utf16.Encode([]rune(plain))
	var out []uint16
	last := 0
	for _, a := range annotations {
		um := a["userMention"].(map[string]any)["user"].(map[string]any)
		if um["type"] != "BOT" {
			continue
		}
		start, length := a["startIndex"].(int), a["length"].(int)
		out = append(out, u[last:start]...)
		last = start + length
	}
	out = append(out, u[last:]...)
	return string(utf16.Decode(out))
}

// senderJSON is message.sender; full adds the profile fields interaction
// events carry (the REST API returns only name and type for people).
func (e *Emulator) senderJSON(name string, bot, full bool) map[string]any {
	if bot {
		out := map[string]any{"name": name, "type": "BOT"}
		if a := e.st.appsByUser[name]; a != nil {
			out["displayName"] = a.spec.Name
		}
		return out
	}
	out := map[string]any{"name": name, "type": "HUMAN"}
	if u := e.st.users[name]; u != nil && full {
		out["displayName"] = u.displayName
		out["email"] = u.email
		out["avatarUrl"] = "https://lh3.googleusercontent.com/a/default-user"
		if d := e.st.domains[u.domain]; d != nil {
			out["domainId"] = strings.TrimPrefix(d.customerID, "customers/")
		}
	}
	return out
}

// messageJSON renders a message as the Chat API returns it; full is for
// interaction events and Workspace Events payloads, which carry the
// sender's profile and the space's details.
func (e *Emulator) messageJSON(m *message, full bool) map[string]any {
	out := map[string]any{
		"name":       m.name,
		"sender":     e.senderJSON(m.senderName, m.senderBot, full),
		"createTime": ts(m.created),
		"thread":     e.threadJSON(m),
		"space":      map[string]any{"name": m.space},
	}
	if full {
		if s := e.st.spaces[m.space]; s != nil {
			out["space"] = e.spaceJSON(s)
		}
	}
	if m.deleted {
		out["deleteTime"] = ts(m.deleteTime)
		out["deletionMetadata"] = map[string]any{"deletionType": m.deletionType}
		return out
	}
	if !m.updated.IsZero() {
		out["lastUpdateTime"] = ts(m.updated)
	}
	if m.text != "" {
		plain, ann, _ := e.plainText(m.text)
		out["text"] = plain
		out["formattedText"] = m.text
		out["argumentText"] = argumentText(plain, ann)
		if len(ann) > 0 {
			out["annotations"] = ann
		}
	}
	if m.threadReply {
		out["threadReply"] = true
	}
	if m.clientID != "" {
		out["clientAssignedMessageId"] = m.clientID
	}
	if len(m.cardsV2) > 0 {
		out["cardsV2"] = m.cardsV2
	}
	if len(m.attachments) > 0 {
		var atts []map[string]any
		for _, a := range m.attachments {
			atts = append(atts, e.attachmentJSON(a))
		}
		out["attachment"] = atts
	}
	if sums := reactionSummaries(m); len(sums) > 0 {
		out["emojiReactionSummaries"] = sums
	}
	return out
}

func (e *Emulator) threadJSON(m *message) map[string]any {
	t := map[string]any{"name": m.thread}
	if m.threadKey != "" {
		t["threadKey"] = m.threadKey
	}
	return t
}

func (e *Emulator) attachmentJSON(a *attachment) map[string]any {
	return map[string]any{
		"name":              a.name,
		"contentName":       a.up.filename,
		"contentType":       a.up.contentType,
		"attachmentDataRef": map[string]any{"resourceName": a.up.resourceName},
		"downloadUri":       e.base.URL() + "/v1/media/" + a.up.resourceName + "?alt=media",
		"source":            "UPLOADED_CONTENT",
	}
}

func reactionSummaries(m *message) []map[string]any {
	var out []map[string]any
	index := map[string]int{}
	for _, r := range m.reactions {
		key := r.unicode + "|" + r.emojiID
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, map[string]any{"emoji": emojiJSON(r), "reactionCount": 0})
		}
		out[i]["reactionCount"] = out[i]["reactionCount"].(int) + 1
	}
	return out
}

func emojiJSON(r *reaction) map[string]any {
	if r.emojiID != "" {
		return map[string]any{"customEmoji": map[string]any{"uid": r.emojiID}}
	}
	return map[string]any{"unicode": r.unicode}
}

// spaceJSON renders a space as spaces.get returns it.
func (e *Emulator) spaceJSON(s *space) map[string]any {
	out := map[string]any{
		"name":                s.name,
		"spaceType":           s.spaceType,
		"spaceThreadingState": "THREADED_MESSAGES",
		"spaceHistoryState":   "HISTORY_ON",
		"createTime":          ts(s.created),
		"spaceUri":            "https://mail.google.com/chat/u/0/#chat/space/" + strings.TrimPrefix(s.name, "spaces/"),
		"membershipCount":     map[string]any{"joinedDirectHumanUserCount": len(s.members)},
	}
	switch s.spaceType {
	case "DIRECT_MESSAGE":
		out["type"] = "DM"
		out["singleUserBotDm"] = s.dmApp != nil
	default:
		out["type"] = "ROOM"
		out["displayName"] = s.displayName
		out["threaded"] = true
		external := false
		for _, m := range s.members {
			if u := e.st.users[m]; u != nil && u.domain != s.domain {
				external = true
			}
		}
		out["externalUserAllowed"] = external
	}
	return out
}
