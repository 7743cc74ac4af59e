package slack

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"parley/internal/emulator"
	"parley/internal/emulator/faults"
	"parley/internal/emulator/ratelimit"
	"parley/internal/emulator/requestlog"
)

// maxAPIBody caps a Web API request body; larger bodies get 413 before any
// parsing, so a hostile client cannot make the emulator buffer unbounded
// input.
const maxAPIBody = 1 << 20

// resp is a Web API answer; Slack field names are its keys.
type resp map[string]any

func errResp(code string) resp { return resp{"ok": false, "error": code} }

// call is one Web API request after authentication.
type call struct {
	e      *Emulator
	r      *http.Request
	method string
	args   args
	tok    *token // nil for methods that take no token
}

// apiMethod describes one Web API method.
type apiMethod struct {
	// scope the token must hold; "" for none. It is also sent as
	// X-Accepted-OAuth-Scopes.
	scope string
	// userScope, if set, replaces scope for user tokens (Slack names some
	// user scopes differently, e.g. channels:write for joining).
	userScope string
	// noToken marks methods authenticated otherwise (oauth.v2.access).
	noToken bool
	fn      func(*call) resp
}

// methods is the Web API surface. Rate tiers are in ratelimit.go.
var methods map[string]apiMethod

func init() {
	methods = map[string]apiMethod{
		"auth.test":                    {fn: apiAuthTest},
		"auth.revoke":                  {fn: apiAuthRevoke},
		"chat.postMessage":             {scope: "chat:write", fn: apiChatPostMessage},
		"chat.update":                  {scope: "chat:write", fn: apiChatUpdate},
		"chat.delete":                  {scope: "chat:write", fn: apiChatDelete},
		"chat.getPermalink":            {fn: apiChatGetPermalink},
		"reactions.add":                {scope: "reactions:write", fn: apiReactionsAdd},
		"reactions.remove":             {scope: "reactions:write", fn: apiReactionsRemove},
		"reactions.get":                {scope: "reactions:read", fn: apiReactionsGet},
		"conversations.history":        {scope: "channels:history", fn: apiConversationsHistory},
		"conversations.replies":        {scope: "channels:history", fn: apiConversationsReplies},
		"conversations.info":           {scope: "channels:read", fn: apiConversationsInfo},
		"conversations.list":           {scope: "channels:read", fn: apiConversationsList},
		"conversations.join":           {scope: "channels:join", userScope: "channels:write", fn: apiConversationsJoin},
		"conversations.members":        {scope: "channels:read", fn: apiConversationsMembers},
		"conversations.kick":           {scope: "channels:manage", userScope: "channels:write", fn: apiConversationsKick},
		"users.info":                   {scope: "users:read", fn: apiUsersInfo},
		"users.list":                   {scope: "users:read", fn: apiUsersList},
		"users.lookupByEmail":          {scope: "users:read.email", fn: apiUsersLookupByEmail},
		"files.getUploadURLExternal":   {scope: "files:write", fn: apiFilesGetUploadURLExternal},
		"files.completeUploadExternal": {scope: "files:write", fn: apiFilesCompleteUploadExternal},
		"files.info":                   {scope: "files:read", fn: apiFilesInfo},
		"oauth.v2.access":              {noToken: true, fn: apiOAuthV2Access},
		"openid.connect.token":         {noToken: true, fn: apiOpenIDConnectToken},
		"openid.connect.userInfo":      {scope: "openid", fn: apiOpenIDConnectUserInfo},
	}
}

// serveAPI answers POST (or GET) /api/<method>.
func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("method")
	entry := logEntry{Entry: requestlog.Entry{Time: e.now(), Method: name}, TokenKind: "none"}
	status := http.StatusOK
	var out resp
	defer func() {
		entry.Status = status
		if s, ok := out["error"].(string); ok {
			entry.Error = s
		}
		e.requests.Add(entry)
	}()

	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		status = http.StatusMethodNotAllowed
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", status)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
			http.Error(w, "request entity too large", status)
			return
		}
		status = http.StatusBadRequest
		http.Error(w, "bad request", status)
		return
	}
	m, known := methods[name]
	if !known {
		out = errResp("unknown_method")
		writeJSON(w, status, out)
		return
	}
	a, isJSON, decodeErr := decodeArgs(r, body)
	if decodeErr != "" {
		out = errResp(decodeErr)
		writeJSON(w, status, out)
		return
	}
	c := &call{e: e, r: r, method: name, args: a}
	workspace, rateKey := "", ""
	if !m.noToken {
		tokValue := bearer(r)
		if tokValue == "" && !isJSON {
			tokValue = a["token"]
		}
		if tokValue == "" {
			out = errResp("not_authed")
			writeJSON(w, status, out)
			return
		}
		e.mu.Lock()
		tok := e.st.tokens[tokValue]
		revoked := tok != nil && tok.revoked
		expired := tok != nil && !tok.expires.IsZero() && !e.now().Before(tok.expires)
		e.mu.Unlock()
		if tok == nil {
			out = errResp("invalid_auth")
			writeJSON(w, status, out)
			return
		}
		if revoked {
			out = errResp("token_revoked")
			writeJSON(w, status, out)
			return
		}
		if expired {
			out = errResp("token_expired")
			writeJSON(w, status, out)
			return
		}
		c.tok = tok
		entry.TokenKind = tok.kind
		entry.Workspace = tok.team
		workspace = tok.team
		rateKey = tok.value
		w.Header().Set("X-OAuth-Scopes", strings.Join(tok.scopes, ","))
	} else {
		rateKey = "client:" + a["client_id"]
	}
	needed := m.scope
	if m.userScope != "" && c.tok != nil && c.tok.kind == tokenUser {
		needed = m.userScope
	}
	if needed != "" {
		w.Header().Set("X-Accepted-OAuth-Scopes", needed)
	}

	if f, fail := e.base.Faults.Apply(r.Context(), workspace); fail {
		status = f.Status
		entry.RetryAfter = f.RetryAfter
		writeFault(w, f)
		return
	}
	if wait, ok := e.allowCall(name, workspace, rateKey, a["channel"]); !ok {
		status = http.StatusTooManyRequests
		entry.RetryAfter = ratelimit.Seconds(wait)
		w.Header().Set("Retry-After", strconv.Itoa(entry.RetryAfter))
		out = errResp("ratelimited")
		writeJSON(w, status, out)
		return
	}
	if needed != "" && !c.tok.has(needed) {
		out = missingScope(c.tok, needed)
		writeJSON(w, status, out)
		return
	}
	e.mu.Lock()
	out = m.fn(c)
	e.mu.Unlock()
	writeJSON(w, status, out)
}

// writeJSON answers with Slack's Content-Type.
var writeJSON = emulator.JSONWriter("application/json; charset=utf-8")

// writeFault answers as Slack's edge does: 429 with Retry-After and the
// ratelimited body, other statuses with an HTML page the SDKs do not parse.
func writeFault(w http.ResponseWriter, f faults.Fault) {
	if f.Status == http.StatusTooManyRequests {
		f.SetRetryAfter(w.Header())
		writeJSON(w, f.Status, errResp("ratelimited"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte("<html><head><title>" + strconv.Itoa(f.Status) + " " + http.StatusText(f.Status) +
		"</title></head><body><h1>" + http.StatusText(f.Status) + "</h1></body></html>\n"))
}
