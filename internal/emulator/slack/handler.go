package slack

import "net/http"

// Handler serves everything: /api/<method>, upload URLs, file downloads and
// the /_emulator/ control API.
func (e *Emulator) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", e.serveAPI)
	mux.HandleFunc("POST /upload/v1/{key}", e.serveUpload)
	mux.HandleFunc("GET /files-pri/{key}/{name}", e.serveFile)
	mux.HandleFunc("GET /files-pri/{key}/download/{name}", e.serveFile)
	e.base.MountControl(mux, &e.requests)
	mux.HandleFunc("POST /_emulator/apps/{app_id}/request_url", e.controlRequestURL)
	mux.HandleFunc("POST /_emulator/oauth/code", e.controlOAuthCode)
	mux.HandleFunc("POST /_emulator/apps/{app_id}/uninstall", e.controlUninstall)
	e.identityRoutes(mux)
	return mux
}
