package gchat

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"parley/internal/emulator/requestlog"
)

// maxAPIBody caps a JSON request body; larger bodies get 413 before any
// parsing. A 32,000-byte message with cards fits easily.
const maxAPIBody = 1 << 20

// limitClass says which rate limits a method counts against.
type limitClass int

const (
	readCall limitClass = iota
	// writeCall counts against the per-space write limit (message
	// create/patch/delete, reactions, media upload) and the project's
	// per-minute quota.
	writeCall
)

// call is one authenticated API request.
type call struct {
	e    *Emulator
	r    *http.Request
	w    http.ResponseWriter
	p    *principal
	body []byte // JSON routes only
	sp   string // "spaces/X" from the path, if any
}

// apiRoute wraps a method: body cap, authentication, faults, rate limits,
// request log, then fn under e.mu. raw methods (media) read the body
// themselves and may write the response themselves (returning nil, nil).
func (e *Emulator) apiRoute(id string, class limitClass, raw bool, fn func(*call) (any, *apiError)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		entry := logEntry{Entry: requestlog.Entry{Time: e.now(), Method: id}, Auth: "none"}
		status := http.StatusOK
		fail := func(ae *apiError) {
			status = ae.code
			entry.Error = ae.status
			writeError(w, ae)
		}
		defer func() {
			entry.Status = status
			e.requests.Add(entry)
		}()

		c := &call{e: e, r: r, w: w}
		if v := r.PathValue("space"); v != "" {
			c.sp = "spaces/" + v
			entry.Space = c.sp
		}
		if !raw {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
			if err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					fail(&apiError{http.StatusRequestEntityTooLarge, "INVALID_ARGUMENT", "Request payload size exceeds the limit: 1048576 bytes."})
					return
				}
				fail(errInvalid("could not read the request body"))
				return
			}
			c.body = body
		}
		p := e.authenticate(r)
		if p == nil {
			fail(errUnauthenticated)
			return
		}
		c.p = p
		entry.Auth = "user"
		if p.isApp() {
			entry.Auth = "app"
		}
		entry.Workspace = e.domainOf(c)

		if f, fail := e.base.Faults.Apply(r.Context(), entry.Workspace); fail {
			status = f.Status
			entry.Error = statusForCode(f.Status)
			entry.RetryAfter = f.RetryAfter
			writeFault(w, f)
			return
		}
		if class == writeCall && c.sp != "" {
			project := ""
			if p.isApp() {
				project = p.app.projectID
			}
			if !e.allowWrite(c.sp, project) {
				fail(errRateLimited)
				return
			}
		}
		e.mu.Lock()
		out, ae := fn(c)
		e.mu.Unlock()
		if ae != nil {
			fail(ae)
			return
		}
		if out != nil {
			writeJSON(w, status, out)
		}
	}
}

// domainOf is the fault and log key of a call: the domain of the space it
// touches, else the caller's domain.
func (e *Emulator) domainOf(c *call) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s := e.st.spaces[c.sp]; s != nil {
		return s.domain
	}
	if c.p.user != nil {
		return c.p.user.domain
	}
	return ""
}

// authenticate resolves the bearer token; nil means 401.
func (e *Emulator) authenticate(r *http.Request) *principal {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.tokens[tok]
	if p == nil || (!p.expires.IsZero() && !e.now().Before(p.expires)) {
		return nil
	}
	return p
}

// decode unmarshals a JSON body; an empty body decodes as {}.
func decode(body []byte, v any) *apiError {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errInvalid("Invalid JSON payload received. %s", jsonProblem(err))
	}
	return nil
}

// jsonProblem describes a decoding error without echoing input bytes.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "Syntax error."
	case errors.As(err, &typ):
		return "Invalid value at '" + typ.Field + "'."
	default:
		return "Unexpected token."
	}
}

// spaceFor returns the call's space if the caller may act in it. Like
// Google, a space the caller cannot see is NOT_FOUND, not 403.
func (c *call) spaceFor() (*space, *apiError) {
	s := c.e.st.spaces[c.sp]
	if s == nil || !s.canAccess(c.p) {
		return nil, errNotFound("Space %s not found or the caller is not a member.", c.sp)
	}
	return s, nil
}

// needScopes fails unless the caller holds one of the user or app scopes
// (short names without the URL prefix); an empty list forbids that kind of
// auth with msg.
func (c *call) needScopes(userScopes, appScopes []string, msg string) *apiError {
	scopes := userScopes
	if c.p.isApp() {
		scopes = appScopes
	}
	if len(scopes) == 0 {
		return errDenied("%s", msg)
	}
	if !c.p.hasAny(scopes...) {
		return errScopes
	}
	return nil
}
