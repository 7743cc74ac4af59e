package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	"parley/internal/alert"
)

// alertSink stands in for a tenant's SIEM: it takes the gateway's signed
// alert posts, checks each signature with the deployment's alert webhook
// secret, and lists what it received (GET received).
type alertSink struct {
	key []byte
	mu  sync.Mutex
	got []ReceivedAlert
}

// ReceivedAlert is one post the sink received.
type ReceivedAlert struct {
	Time     time.Time     `json:"time"`
	Verified bool          `json:"verified"`
	Alert    alert.Payload `json:"alert"`
}

func (s *alertSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/alerts":
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		rec := ReceivedAlert{Time: time.Now().UTC(), Verified: alert.Verify(s.key, r.Header.Get(alert.HeaderTimestamp), body, r.Header.Get(alert.HeaderSignature))}
		_ = json.Unmarshal(body, &rec.Alert)
		s.mu.Lock()
		s.got = append(s.got, rec)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodGet && r.URL.Path == "/received":
		s.mu.Lock()
		out := append([]ReceivedAlert{}, s.got...)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	default:
		http.NotFound(w, r)
	}
}
