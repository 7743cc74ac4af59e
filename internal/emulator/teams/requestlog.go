package teams

import "parley/internal/emulator/requestlog"

// Requests returns the logged API calls touching tenant ("" for all),
// oldest first; the Go form of GET /_emulator/requests.
func (e *Emulator) Requests(tenant string) []RequestRecord {
	return e.requests.List(tenant)
}

// RequestRecord is one logged Bot Connector or Graph call. It never holds
// message text, file bytes or tokens: only the route, the token kind, the
// outcome and, for 429s, the Retry-After given.
type RequestRecord struct {
	requestlog.Entry        // Method is the route, e.g. "POST /v3/conversations/{id}/activities"
	API              string `json:"api"` // "connector" or "graph"
	TokenKind        string `json:"token_kind"`
	AppID            string `json:"app_id,omitempty"`
}
