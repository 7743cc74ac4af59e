package webex

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"parley/internal/emulator"
	"parley/internal/emulator/ratelimit"
	"parley/internal/emulator/requestlog"
)

// call is one authenticated API request.
type call struct {
	w   http.ResponseWriter
	r   *http.Request
	who *person
}

// apiFunc handles a call and returns the status and JSON body to send;
// a nil body sends none (204). A handler that wrote the response itself
// returns status 0.
type apiFunc func(c *call) (int, any)

// errorBody is Webex's error shape.
type errorBody struct {
	Message    string       `json:"message"`
	Errors     []errorEntry `json:"errors"`
	TrackingID string       `json:"trackingId"`
}

type errorEntry struct {
	Description string `json:"description"`
}

func apiError(msg string) errorBody {
	return errorBody{Message: msg, Errors: []errorEntry{{Description: msg}}}
}

// api wraps fn with what every Webex call goes through: the bearer token,
// injected faults, rate limits, and the request log.
func (e *Emulator) api(name string, fn apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tid := trackingID()
		w.Header().Set("TrackingID", tid)
		entry := logEntry{Entry: requestlog.Entry{Time: e.now(), Method: r.Method}, Call: name}
		status, body := e.serveCall(w, r, fn, &entry)
		if status != 0 {
			writeBody(w, status, body, tid)
		}
		entry.Status = status
		if status == 0 {
			entry.Status = http.StatusOK
		}
		e.requests.Add(entry)
	})
}

func (e *Emulator) serveCall(w http.ResponseWriter, r *http.Request, fn apiFunc, entry *logEntry) (int, any) {
	who := e.authenticate(r)
	if who != nil {
		entry.Workspace = who.org
		entry.TokenKind = "user"
		if who.bot {
			entry.TokenKind = "bot"
		}
	}
	if who != nil {
		if f, fail := e.base.Faults.Apply(r.Context(), who.org); fail {
			f.SetRetryAfter(w.Header())
			entry.RetryAfter = f.RetryAfter
			return f.Status, apiError(http.StatusText(f.Status))
		}
	}
	if who == nil {
		return http.StatusUnauthorized, apiError("The request requires a valid access token set in the Authorization request header.")
	}
	if wait, ok := e.limits.Allow(ratelimit.Key{Name: who.token, Rate: tokenRate}); !ok {
		entry.RetryAfter = ratelimit.Seconds(wait)
		w.Header().Set("Retry-After", strconv.Itoa(entry.RetryAfter))
		return http.StatusTooManyRequests, apiError(http.StatusText(http.StatusTooManyRequests))
	}
	return fn(&call{w: w, r: r, who: who})
}

// authenticate returns the person whose token the request carries.
func (e *Emulator) authenticate(r *http.Request) *person {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	tok = strings.TrimSpace(tok)
	if g := e.oauth.access[tok]; g != nil && !e.now().Before(g.expires) {
		return nil // an integration token past its expires_in
	}
	return e.st.byToken[tok]
}

func writeBody(w http.ResponseWriter, status int, body any, tid string) {
	if eb, ok := body.(errorBody); ok {
		eb.TrackingID = tid
		body = eb
	}
	if body == nil {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, body)
}

// writeJSON answers with Webex's Content-Type.
var writeJSON = emulator.JSONWriter("application/json;charset=UTF-8")

// maxJSONBody caps JSON request bodies; a message's fields are at most
// 3 × 7,439 bytes.
const maxJSONBody = 256 << 10

// decode reads a JSON body into v; ok false means it answered 400.
func (c *call) decode(v any) (int, any, bool) {
	dec := json.NewDecoder(http.MaxBytesReader(c.w, c.r.Body, maxJSONBody))
	if err := dec.Decode(v); err != nil {
		return http.StatusBadRequest, apiError("Unable to parse the request body as JSON."), false
	}
	return 0, nil, true
}

// items wraps a list the way Webex does.
func items[T any](list []T) map[string]any {
	if list == nil {
		list = []T{}
	}
	return map[string]any{"items": list}
}

// maxParam reads the max query parameter; 0 means no limit.
func maxParam(r *http.Request) (int, bool) {
	s := r.URL.Query().Get("max")
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

var (
	errNotFound  = apiError("The requested resource could not be found.")
	errForbidden = apiError("Failed to get activity.")
)
