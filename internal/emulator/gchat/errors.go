package gchat

import (
	"fmt"
	"net/http"

	"parley/internal/emulator"
	"parley/internal/emulator/faults"
)

// apiError is a Google API error: HTTP code, canonical status and message,
// written as {"error":{"code","message","status"}} like every Google API.
type apiError struct {
	code        int
	status, msg string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.code, e.status, e.msg) }

func errInvalid(format string, a ...any) *apiError {
	return &apiError{http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf(format, a...)}
}

func errNotFound(format string, a ...any) *apiError {
	return &apiError{http.StatusNotFound, "NOT_FOUND", fmt.Sprintf(format, a...)}
}

func errDenied(format string, a ...any) *apiError {
	return &apiError{http.StatusForbidden, "PERMISSION_DENIED", fmt.Sprintf(format, a...)}
}

func errExists(format string, a ...any) *apiError {
	return &apiError{http.StatusConflict, "ALREADY_EXISTS", fmt.Sprintf(format, a...)}
}

func errPrecondition(format string, a ...any) *apiError {
	return &apiError{http.StatusBadRequest, "FAILED_PRECONDITION", fmt.Sprintf(format, a...)}
}

var (
	errUnauthenticated = &apiError{http.StatusUnauthorized, "UNAUTHENTICATED",
		"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."}
	errScopes = &apiError{http.StatusForbidden, "PERMISSION_DENIED",
		"Request had insufficient authentication scopes."}
	errRateLimited = &apiError{http.StatusTooManyRequests, "RESOURCE_EXHAUSTED",
		"Quota exceeded for quota metric 'Write requests per space' and limit 'Write requests per minute per space' of service 'chat.googleapis.com'."}
)

// statusForCode maps an HTTP status to Google's canonical status name.
func statusForCode(code int) string {
	switch code {
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT"
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "PERMISSION_DENIED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusConflict:
		return "ALREADY_EXISTS"
	case http.StatusTooManyRequests:
		return "RESOURCE_EXHAUSTED"
	case http.StatusNotImplemented:
		return "UNIMPLEMENTED"
	case http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "DEADLINE_EXCEEDED"
	default:
		if code >= 500 {
			return "INTERNAL"
		}
		return "UNKNOWN"
	}
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/"`)
	}
	writeJSON(w, e.code, map[string]any{"error": map[string]any{"code": e.code, "message": e.msg, "status": e.status}})
}

// writeJSON answers with Google's Content-Type.
var writeJSON = emulator.JSONWriter("application/json; charset=UTF-8")

// writeFault answers with Google's error JSON for the status; 429s carry
// Retry-After as SANDBOX.md requires.
func writeFault(w http.ResponseWriter, f faults.Fault) {
	f.SetRetryAfter(w.Header())
	writeError(w, &apiError{code: f.Status, status: statusForCode(f.Status), msg: http.StatusText(f.Status)})
}
