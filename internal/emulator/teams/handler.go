package teams

import (
	"net/http"
	"strings"

	"parley/internal/emulator"
)

// Handler serves everything on one host: the Bot Connector (/v3/…), the
// Bot Framework OpenID metadata and keys (/botframework/…), the login
// service (/{tenant}/oauth2/v2.0/token and its metadata), Graph
// (/v1.0/…), pre-authenticated file downloads (/drive/…) and the
// /_emulator/ control API.
func (e *Emulator) Handler() http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /botframework/v1/.well-known/openidconfiguration", e.serveBotFrameworkMetadata)
	mux.HandleFunc("GET /botframework/v1/.well-known/keys", e.serveBotFrameworkKeys)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", e.serveToken)
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", e.serveTenantMetadata)
	mux.HandleFunc("GET /{tenant}/discovery/v2.0/keys", e.serveTenantKeys)
	e.entraRoutes(mux)

	v3 := func(pattern, route string, h func(*connCall)) {
		mux.HandleFunc(pattern, e.connector(route, h))
	}
	v3("POST /v3/conversations", "POST /v3/conversations", e.createConversation)
	v3("POST /v3/conversations/{conv}/activities", "POST /v3/conversations/{id}/activities", e.sendActivity)
	v3("POST /v3/conversations/{conv}/activities/{act}", "POST /v3/conversations/{id}/activities/{activityId}", e.sendActivity)
	v3("PUT /v3/conversations/{conv}/activities/{act}", "PUT /v3/conversations/{id}/activities/{activityId}", e.updateActivity)
	v3("DELETE /v3/conversations/{conv}/activities/{act}", "DELETE /v3/conversations/{id}/activities/{activityId}", e.deleteActivity)
	v3("GET /v3/conversations/{conv}/members", "GET /v3/conversations/{id}/members", e.getMembers)
	v3("GET /v3/conversations/{conv}/pagedmembers", "GET /v3/conversations/{id}/pagedmembers", e.getPagedMembers)
	v3("GET /v3/conversations/{conv}/members/{member}", "GET /v3/conversations/{id}/members/{memberId}", e.getMember)
	v3("GET /v3/conversations/{conv}/activities/{act}/members", "GET /v3/conversations/{id}/activities/{activityId}/members", e.getMembers)
	v3("GET /v3/teams/{team}/conversations", "GET /v3/teams/{id}/conversations", e.getTeamConversations)
	v3("GET /v3/teams/{team}", "GET /v3/teams/{id}", e.getTeam)

	e.graphRoutes(mux)
	mux.HandleFunc("GET /drive/{key}/{name}", e.serveDownload)
	e.base.MountControl(mux, &e.requests)
	mux.HandleFunc("POST /_emulator/rotate-keys", e.controlRotate)

	// Unknown API routes answer in that API's error shape, not with the
	// mux's plain-text 404/405, so clients parse them as they would the
	// real service's.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e.serveAdminConsentV2(w, r) {
			return
		}
		if _, pattern := mux.Handler(r); pattern == "" {
			switch {
			case strings.HasPrefix(r.URL.Path, "/v1.0/"):
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{
					"code": "BadRequest", "message": "Resource not found for the segment.",
				}})
				return
			case strings.HasPrefix(r.URL.Path, "/v3/"):
				writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{
					"code": "NotFound", "message": "The requested resource does not exist.",
				}})
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// writeJSON answers with the Connector's and Graph's Content-Type.
var writeJSON = emulator.JSONWriter("application/json; charset=utf-8")
