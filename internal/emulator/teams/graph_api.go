package teams

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"parley/internal/emulator/ids"
	"parley/internal/emulator/ratelimit"
	"parley/internal/emulator/requestlog"
)

// maxGraphBody caps Graph JSON request bodies (uploads have their own cap).
const maxGraphBody = 1 << 20

// graphCall is one Graph request after authentication.
type graphCall struct {
	e     *Emulator
	w     http.ResponseWriter
	r     *http.Request
	tok   *token
	entry *RequestRecord
	done  bool
}

// graphHandler wraps a Graph handler: bearer auth with a Graph token
// (delegated or app), faults per tenant, per-token throttling and the
// request log.
func (e *Emulator) graph(route string, h func(*graphCall)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		entry := RequestRecord{Entry: requestlog.Entry{Time: e.now(), Method: route}, API: "graph", TokenKind: "none"}
		g := &graphCall{e: e, w: w, r: r, entry: &entry}
		defer func() { e.requests.Add(entry) }()
		tok, ok := e.lookupToken(r)
		if !ok || (tok.kind != tokenGraphUser && tok.kind != tokenGraphApp) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`)
			g.fail(http.StatusUnauthorized, "InvalidAuthenticationToken", e.whyUnauthorized(r))
			return
		}
		g.tok = tok
		entry.TokenKind, entry.AppID, entry.Workspace = tok.kind, tok.appID, tok.tenant
		if f, fail := e.base.Faults.Apply(r.Context(), tok.tenant); fail {
			entry.RetryAfter = f.RetryAfter
			f.SetRetryAfter(w.Header())
			g.fail(f.Status, graphFaultCode(f.Status), http.StatusText(f.Status))
			return
		}
		if wait, ok := e.limits.Allow("graph|"+tok.value, graphLimits); !ok {
			entry.RetryAfter = ratelimit.Seconds(wait)
			w.Header().Set("Retry-After", strconv.Itoa(entry.RetryAfter))
			g.fail(http.StatusTooManyRequests, "TooManyRequests", "Too many requests.")
			return
		}
		h(g)
		if !g.done {
			g.fail(http.StatusInternalServerError, "generalException", "No response.")
		}
	}
}

func graphFaultCode(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusServiceUnavailable:
		return "serviceNotAvailable"
	default:
		return "generalException"
	}
}

func (g *graphCall) reply(status int, v any) {
	g.done = true
	g.entry.Status = status
	g.w.Header().Set("request-id", ids.UUID())
	if v == nil {
		g.w.WriteHeader(status)
		return
	}
	writeJSON(g.w, status, v)
}

// fail writes Graph's error shape with its innerError details.
func (g *graphCall) fail(status int, code, msg string) {
	g.entry.Error = code
	g.reply(status, map[string]any{"error": map[string]any{
		"code": code, "message": msg,
		"innerError": map[string]any{
			"date":              g.e.now().UTC().Format(time.RFC3339),
			"request-id":        ids.UUID(),
			"client-request-id": ids.UUID(),
		},
	}})
}

func (g *graphCall) notFound(what string) {
	g.fail(http.StatusNotFound, "NotFound", what+" not found.")
}

func (g *graphCall) forbidden() {
	g.fail(http.StatusForbidden, "Forbidden", "Missing role permissions on the request. API requires one of the granted permissions.")
}

// readBody reads a JSON request body within maxGraphBody.
func (g *graphCall) readBody() ([]byte, bool) {
	b, err := io.ReadAll(http.MaxBytesReader(g.w, g.r.Body, maxGraphBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			g.fail(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The request body is too large.")
			return nil, false
		}
		g.fail(http.StatusBadRequest, "BadRequest", "Could not read the request body.")
		return nil, false
	}
	return b, true
}

// isUser reports whether the call acts as a person (delegated token).
func (g *graphCall) isUser() bool { return g.tok.kind == tokenGraphUser }

// teamAccess finds a team the caller may see: a person must be a member,
// an app token must be of the team's tenant. The caller holds e.mu.
func (g *graphCall) teamAccess(teamID string) (*team, bool) {
	t := g.e.st.teams[teamID]
	if t == nil || t.tenant != g.tok.tenant {
		g.notFound("Team")
		return nil, false
	}
	if g.isUser() && !t.isMember(g.tok.userID) {
		g.forbidden()
		return nil, false
	}
	return t, true
}

// channelAccess resolves /teams/{team}/channels/{channel}. The caller
// holds e.mu.
func (g *graphCall) channelAccess() (*team, *channel, bool) {
	t, ok := g.teamAccess(g.r.PathValue("team"))
	if !ok {
		return nil, nil, false
	}
	ch := g.e.st.channels[g.r.PathValue("channel")]
	if ch == nil || ch.team != t.id {
		g.notFound("Channel")
		return nil, nil, false
	}
	return t, ch, true
}

// graphRoutes registers the Graph v1.0 subset.
func (e *Emulator) graphRoutes(mux *http.ServeMux) {
	gr := func(pattern string, h func(*graphCall)) { mux.HandleFunc(pattern, e.graph(pattern, h)) }
	gr("GET /v1.0/me", e.graphMe)
	gr("GET /v1.0/me/joinedTeams", e.graphJoinedTeams)
	gr("GET /v1.0/users", e.graphListUsers)
	gr("GET /v1.0/users/{user}", e.graphGetUser)
	gr("GET /v1.0/teams", e.graphListTeams)
	gr("GET /v1.0/teams/{team}", e.graphGetTeam)
	gr("GET /v1.0/teams/{team}/channels", e.graphListChannels)
	gr("GET /v1.0/teams/{team}/channels/{channel}", e.graphGetChannel)
	gr("GET /v1.0/teams/{team}/channels/{channel}/filesFolder", e.graphFilesFolder)

	const msgs = "/v1.0/teams/{team}/channels/{channel}/messages"
	gr("GET "+msgs, e.graphListMessages)
	gr("POST "+msgs, e.graphPostMessage)
	gr("GET "+msgs+"/{msg}", e.graphGetMessage)
	gr("PATCH "+msgs+"/{msg}", e.graphPatchMessage)
	gr("POST "+msgs+"/{msg}/{action}", e.graphMessageAction)
	gr("GET "+msgs+"/{msg}/replies", e.graphListMessages)
	gr("POST "+msgs+"/{msg}/replies", e.graphPostMessage)
	gr("GET "+msgs+"/{msg}/replies/{reply}", e.graphGetMessage)
	gr("PATCH "+msgs+"/{msg}/replies/{reply}", e.graphPatchMessage)
	gr("POST "+msgs+"/{msg}/replies/{reply}/{action}", e.graphMessageAction)

	gr("GET /v1.0/me/chats", e.graphMyChats)
	gr("GET /v1.0/chats/{chat}", e.graphGetChat)
	gr("GET /v1.0/chats/{chat}/messages", e.graphListMessages)
	gr("POST /v1.0/chats/{chat}/messages", e.graphPostMessage)
	gr("GET /v1.0/chats/{chat}/messages/{msg}", e.graphGetMessage)
	gr("PATCH /v1.0/chats/{chat}/messages/{msg}", e.graphPatchMessage)
	gr("POST /v1.0/chats/{chat}/messages/{msg}/{action}", e.graphMessageAction)

	gr("PUT /v1.0/drives/{drive}/items/{path...}", e.graphUpload)
	gr("GET /v1.0/drives/{drive}/items/{path...}", e.graphGetItem)
}
