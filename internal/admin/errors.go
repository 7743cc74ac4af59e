package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"parley/internal/store"
)

// Error is an API error. Every error the API answers has the shape
// {"error":{"code":"…","message":"…"}}: code is stable (clients branch on
// it), message says what to do next.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

type errorBody struct {
	Error *Error `json:"error"`
}

func apiError(status int, code, format string, a ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, a...)}
}

func badRequest(format string, a ...any) *Error {
	return apiError(http.StatusBadRequest, "bad_request", format, a...)
}

func notFound(what string) *Error {
	return apiError(http.StatusNotFound, "not_found", "no such %s", what)
}

func conflict(format string, a ...any) *Error {
	return apiError(http.StatusConflict, "conflict", format, a...)
}

var (
	errUnauthenticated = apiError(http.StatusUnauthorized, "unauthenticated", "sign in, or send a personal API token as Authorization: Bearer TOKEN")
	errForbidden       = apiError(http.StatusForbidden, "forbidden", "your role does not allow this; ask an owner of the tenant")
	// errNoTenant is the one answer for a tenant that does not exist and
	// for one in which the caller has no role: the same status and body,
	// so a caller learns nothing about other tenants.
	errNoTenant    = notFound("tenant")
	errCSRF        = apiError(http.StatusForbidden, "csrf", "a request made with a session cookie must carry the X-CSRF-Token header from GET /api/v1/me")
	errUnavailable = apiError(http.StatusServiceUnavailable, "unavailable", "the store is unavailable; try again shortly")
)

// asError maps any error a handler returns onto an API error: store
// sentinels keep their meaning, anything else is 503 without detail (the
// detail goes to the log, never to the caller).
func asError(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, store.ErrNotFound):
		return notFound("object")
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrExists):
		return conflict("%s", conflictMessage(err))
	default:
		return errUnavailable
	}
}

// conflictMessage keeps the store's explanation (it names IDs the caller
// sent, never another tenant's data).
func conflictMessage(err error) string {
	return err.Error()
}

func writeError(w http.ResponseWriter, e *Error) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="parley-admin"`)
	}
	writeJSON(w, e.Status, errorBody{Error: e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
