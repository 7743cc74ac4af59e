package webex

import "net/http"

// Handler serves the REST API under /v1/, file contents, and the
// /_emulator/ control API.
func (e *Emulator) Handler() http.Handler {
	mux := http.NewServeMux()
	api := func(pattern, name string, fn apiFunc) {
		mux.Handle(pattern, e.api(name, fn))
	}
	api("GET /v1/people/me", "people.me", e.peopleMe)
	api("GET /v1/people", "people.list", e.peopleList)
	api("GET /v1/people/{id}", "people.get", e.peopleGet)
	api("GET /v1/rooms", "rooms.list", e.roomsList)
	api("POST /v1/rooms", "rooms.create", e.roomsCreate)
	api("GET /v1/rooms/{id}", "rooms.get", e.roomsGet)
	api("GET /v1/memberships", "memberships.list", e.membershipsList)
	api("POST /v1/memberships", "memberships.create", e.membershipsCreate)
	api("GET /v1/messages", "messages.list", e.messagesList)
	api("POST /v1/messages", "messages.create", e.messagesCreate)
	api("GET /v1/messages/{id}", "messages.get", e.messagesGet)
	api("PUT /v1/messages/{id}", "messages.edit", e.messagesEdit)
	api("DELETE /v1/messages/{id}", "messages.delete", e.messagesDelete)
	api("GET /v1/webhooks", "webhooks.list", e.webhooksList)
	api("POST /v1/webhooks", "webhooks.create", e.webhooksCreate)
	api("GET /v1/webhooks/{id}", "webhooks.get", e.webhooksGet)
	api("PUT /v1/webhooks/{id}", "webhooks.update", e.webhooksUpdate)
	api("DELETE /v1/webhooks/{id}", "webhooks.delete", e.webhooksDelete)
	api("GET /v1/contents/{id}", "contents.get", e.contentsGet)
	e.integrationRoutes(mux)
	mux.Handle("/v1/", e.api("unknown", func(*call) (int, any) {
		return http.StatusNotFound, apiError("The requested resource could not be found.")
	}))
	e.base.MountControl(mux, &e.requests)
	return mux
}
