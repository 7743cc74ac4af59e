package teams

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"

	"parley/internal/emulator/ratelimit"
	"parley/internal/emulator/requestlog"
)

// maxActivityBytes is Teams' bot message limit: 100 KB of payload
// measured UTF-16 encoded (learn.microsoft.com, "Format your bot
// messages"); larger activities get 413 MessageSizeTooBig. ASCII text thus
// counts twice its UTF-8 size, and CJK text less than its UTF-8 size.
const maxActivityBytes = 100 * 1024

// tooBig reports whether a payload is over maxActivityBytes as Teams
// measures it: two bytes per UTF-16 code unit.
func tooBig(body []byte) bool {
	units := 0
	for _, r := range string(body) {
		units += utf16.RuneLen(r)
		if 2*units > maxActivityBytes {
			return true
		}
	}
	return false
}

// maxConnectorBody caps what the emulator reads at all, so a hostile
// client cannot make it buffer unbounded input.
const maxConnectorBody = 1 << 20

// connCall is one Bot Connector request after authentication.
type connCall struct {
	e     *Emulator
	w     http.ResponseWriter
	r     *http.Request
	tok   *token
	body  []byte
	entry *RequestRecord
	done  bool // a response was written
}

// connector wraps a Bot Connector handler: bearer auth with a Connector
// token this emulator issued, a body cap and the request log.
func (e *Emulator) connector(route string, h func(*connCall)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		entry := RequestRecord{Entry: requestlog.Entry{Time: e.now(), Method: route}, API: "connector", TokenKind: "none"}
		c := &connCall{e: e, w: w, r: r, entry: &entry}
		defer func() { e.requests.Add(entry) }()
		tok, ok := e.lookupToken(r)
		if !ok || tok.kind != tokenConnector {
			// The Connector's own wording; it says nothing about why.
			c.reply(http.StatusUnauthorized, map[string]any{"message": "Authorization has been denied for this request."})
			return
		}
		c.tok = tok
		entry.TokenKind, entry.AppID = tok.kind, tok.appID
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxConnectorBody))
			if err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					c.fail(http.StatusRequestEntityTooLarge, "MessageSizeTooBig", "Message size too big.")
					return
				}
				c.fail(http.StatusBadRequest, "BadSyntax", "Could not read the request body.")
				return
			}
			c.body = body
		}
		h(c)
		if !c.done {
			c.fail(http.StatusInternalServerError, "ServiceError", "No response.")
		}
	}
}

func (c *connCall) reply(status int, v any) {
	c.done = true
	c.entry.Status = status
	if v == nil {
		c.w.WriteHeader(status)
		return
	}
	writeJSON(c.w, status, v)
}

// fail writes the Connector's ErrorResponse {"error":{"code","message"}}.
func (c *connCall) fail(status int, code, msg string) {
	c.entry.Error = code
	c.reply(status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

// gate applies injected faults and the per-conversation rate limit for a
// call touching tenant; it answers and returns false when the call must
// not proceed. It must be called without e.mu held: latency sleeps.
func (c *connCall) gate(tenant, convKey string, limits []ratelimit.Window) bool {
	c.entry.Workspace = tenant
	if f, fail := c.e.base.Faults.Apply(c.r.Context(), tenant); fail {
		c.entry.RetryAfter = f.RetryAfter
		f.SetRetryAfter(c.w.Header())
		c.fail(f.Status, connFaultCode(f.Status), http.StatusText(f.Status))
		return false
	}
	return convKey == "" || c.allow(convKey, limits)
}

// allow applies the per-bot, per-conversation limits; over them it
// answers 429 with Retry-After and returns false.
func (c *connCall) allow(convKey string, limits []ratelimit.Window) bool {
	if wait, ok := c.e.limits.Allow("v3|"+c.tok.appID+"|"+convKey, limits); !ok {
		c.entry.RetryAfter = ratelimit.Seconds(wait)
		c.w.Header().Set("Retry-After", strconv.Itoa(c.entry.RetryAfter))
		c.fail(http.StatusTooManyRequests, "TooManyRequests", "Too many requests.")
		return false
	}
	return true
}

func connFaultCode(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	default:
		return "ServiceError"
	}
}

// convRef is a parsed Bot Connector conversation ID.
type convRef struct {
	raw     string
	channel string // "19:…" for channel conversations
	root    string // the ";messageid=" thread root, if any
	chat    string // "a:…" personal or group chat
}

// parseConversationID splits "19:…@thread.tacv2;messageid=123". Other
// IDs are chats. It never fails: unknown IDs are found missing later.
func parseConversationID(id string) convRef {
	ref := convRef{raw: id}
	base, params, _ := strings.Cut(id, ";")
	// Channels are "19:…@thread.tacv2" (older "@thread.skype"); group
	// chats are "19:…@thread.v2" and personal chats "a:…".
	if strings.HasPrefix(base, "19:") && !strings.HasSuffix(base, "@thread.v2") {
		ref.channel = base
		for p := range strings.SplitSeq(params, ";") {
			if v, ok := strings.CutPrefix(p, "messageid="); ok {
				ref.root = v
			}
		}
		return ref
	}
	ref.chat = id
	return ref
}

// convTenant returns the tenant of a conversation ID, "" if unknown.
func (e *Emulator) convTenant(ref convRef) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ref.channel != "" {
		if ch := e.st.channels[ref.channel]; ch != nil {
			return ch.tenant
		}
		return ""
	}
	if ch := e.st.chats[ref.chat]; ch != nil {
		return ch.tenant
	}
	return ""
}

// inActivity is the part of an Activity a bot sends that the emulator
// uses.
type inActivity struct {
	Type        string            `json:"type"`
	Text        string            `json:"text"`
	TextFormat  string            `json:"textFormat"`
	Summary     string            `json:"summary"`
	Importance  string            `json:"importance"`
	ReplyToID   string            `json:"replyToId"`
	Attachments []inAttachment    `json:"attachments"`
	Entities    []json.RawMessage `json:"entities"`
	ChannelData json.RawMessage   `json:"channelData"`
}

type inAttachment struct {
	ContentType  string          `json:"contentType"`
	ContentURL   string          `json:"contentUrl"`
	Content      json.RawMessage `json:"content"`
	Name         string          `json:"name"`
	ThumbnailURL string          `json:"thumbnailUrl"`
}

type inMention struct {
	Type      string `json:"type"`
	Text      string `json:"text"`
	Mentioned struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"mentioned"`
}

// decodeActivity parses an activity body. Errors are the Connector's
// 400 codes.
func decodeActivity(body []byte) (*inActivity, string) {
	var a inActivity
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, "BadSyntax"
	}
	switch a.Type {
	case "message", "typing":
	case "":
		return nil, "MissingProperty"
	default:
		return nil, "BadArgument"
	}
	if a.Type == "message" && strings.TrimSpace(a.Text) == "" && len(a.Attachments) == 0 {
		return nil, "BadArgument"
	}
	for _, at := range a.Attachments {
		if at.ContentType == "" {
			return nil, "BadArgument"
		}
	}
	switch a.TextFormat {
	case "", "plain", "markdown", "xml":
	default:
		return nil, "BadArgument"
	}
	return &a, ""
}

// mentionTag is the whole text of a mention entity: "<at>Name</at>".
var mentionTag = regexp.MustCompile(`^<at>([^<]*)</at>$`)

// activityMentions returns the activity's mention entities that name someone the
// emulator knows and whose text occurs in the message, as Teams ignores
// the others. The caller holds e.mu.
func (e *Emulator) activityMentions(a *inActivity) []mention {
	var out []mention
	for _, raw := range a.Entities {
		var m inMention
		if json.Unmarshal(raw, &m) != nil || m.Type != "mention" || !strings.Contains(a.Text, m.Text) {
			continue
		}
		sub := mentionTag.FindStringSubmatch(m.Text)
		if sub == nil {
			continue
		}
		name := m.Mentioned.Name
		if name == "" {
			name = sub[1]
		}
		mn := mention{id: len(out), text: sub[1], name: name}
		switch id := m.Mentioned.ID; {
		case strings.HasPrefix(id, "28:"):
			if e.st.bots[id[3:]] == nil {
				continue
			}
			mn.appID = id[3:]
		case e.st.byMRI[id] != nil:
			mn.userID = e.st.byMRI[id].id
		case e.st.users[id] != nil:
			mn.userID = id
		default:
			continue
		}
		out = append(out, mn)
	}
	return out
}
