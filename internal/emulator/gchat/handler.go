package gchat

import (
	"net/http"

	"parley/internal/emulator"
)

// Handler serves everything on one host: the Chat API (/v1/…), media
// upload (/upload/v1/…), the token endpoint, the published certificates,
// the Workspace Events API (/workspaceevents/v1/…) and the /_emulator/
// control API. Paths and method IDs follow chat-api.json and
// workspaceevents-api.json.
func (e *Emulator) Handler() http.Handler {
	mux := http.NewServeMux()
	const msg = "/v1/spaces/{space}/messages/{message}"
	routes := []struct {
		pattern, id string
		class       limitClass
		raw         bool
		fn          func(*call) (any, *apiError)
	}{
		{"GET /v1/spaces", "chat.spaces.list", readCall, false, apiSpacesList},
		{"GET /v1/spaces/{space}", "chat.spaces.get", readCall, false, apiSpacesGet},
		{"GET /v1/spaces/{space}/members", "chat.spaces.members.list", readCall, false, apiMembersList},
		{"POST /v1/spaces/{space}/messages", "chat.spaces.messages.create", writeCall, false, apiMessagesCreate},
		{"GET /v1/spaces/{space}/messages", "chat.spaces.messages.list", readCall, false, apiMessagesList},
		{"GET " + msg, "chat.spaces.messages.get", readCall, false, apiMessagesGet},
		{"PATCH " + msg, "chat.spaces.messages.patch", writeCall, false, apiMessagesUpdate},
		{"PUT " + msg, "chat.spaces.messages.update", writeCall, false, apiMessagesUpdate},
		{"DELETE " + msg, "chat.spaces.messages.delete", writeCall, false, apiMessagesDelete},
		{"GET " + msg + "/attachments/{attachment}", "chat.spaces.messages.attachments.get", readCall, false, apiAttachmentsGet},
		{"POST " + msg + "/reactions", "chat.spaces.messages.reactions.create", writeCall, false, apiReactionsCreate},
		{"GET " + msg + "/reactions", "chat.spaces.messages.reactions.list", readCall, false, apiReactionsList},
		{"DELETE " + msg + "/reactions/{reaction}", "chat.spaces.messages.reactions.delete", writeCall, false, apiReactionsDelete},
		{"POST /upload/v1/spaces/{space}/attachments:upload", "chat.media.upload", writeCall, true, e.apiMediaUpload},
		{"GET /v1/media/{resource...}", "chat.media.download", readCall, false, e.apiMediaDownload},
		{"POST /workspaceevents/v1/subscriptions", "workspaceevents.subscriptions.create", readCall, false, apiSubscriptionsCreate},
		{"GET /workspaceevents/v1/subscriptions", "workspaceevents.subscriptions.list", readCall, false, apiSubscriptionsList},
		{"GET /workspaceevents/v1/subscriptions/{sub}", "workspaceevents.subscriptions.get", readCall, false, apiSubscriptionsGet},
		{"DELETE /workspaceevents/v1/subscriptions/{sub}", "workspaceevents.subscriptions.delete", readCall, false, apiSubscriptionsDelete},
		{"PATCH /workspaceevents/v1/subscriptions/{sub}", "workspaceevents.subscriptions.patch", readCall, false, apiSubscriptionsPatch},
		{"POST /workspaceevents/v1/subscriptions/{sub}", "workspaceevents.subscriptions.reactivate", readCall, false, apiSubscriptionsPost},
		{"GET /workspaceevents/v1/operations/{op}", "workspaceevents.operations.get", readCall, false, apiOperationsGet},
	}
	for _, r := range routes {
		mux.HandleFunc(r.pattern, e.apiRoute(r.id, r.class, r.raw, r.fn))
	}
	mux.HandleFunc("POST /token", e.serveToken)
	e.signinRoutes(mux)
	mux.HandleFunc("GET /certs", e.serveChatCerts)
	mux.HandleFunc("GET /oauth2/v3/certs", e.serveOIDCJWKS)
	mux.HandleFunc("GET /oauth2/v1/certs", e.serveOIDCCerts)
	e.base.MountControl(mux, &e.requests)
	mux.HandleFunc("POST /_emulator/subscriptions/suspend", e.controlSuspend)
	mux.HandleFunc("POST /_emulator/pubsub", e.controlPubSub)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errNotFound("The requested URL %s was not found on this server.", emulator.Echo(r.URL.Path)))
	})
	return mux
}
