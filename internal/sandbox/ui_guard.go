package sandbox

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"

	"parley/internal/loopback"
)

// The page's JSON endpoints act as the demo people, with their tokens, so
// another site open in the same browser must not be able to call them. A
// request must come from the page itself: a browser says so in
// Sec-Fetch-Site or Origin, and only the page knows the token it was
// served with (another origin cannot read it), which its JavaScript sends
// in pageTokenHeader.
const (
	pageTokenHeader = "X-Parley-Page-Token"
	// pageTokenMarker in ui.html is replaced by the token of this run.
	pageTokenMarker = "PARLEY_PAGE_TOKEN"
)

// pageOnly refuses, with 403, a request from another origin or without the
// page's token. The token is compared in constant time.
func pageOnly(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sameOrigin(r) {
			http.Error(w, "cross-origin request refused: use the sandbox page itself", http.StatusForbidden)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(pageTokenHeader)), want) != 1 {
			http.Error(w, "page token missing or wrong: reload the sandbox page", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reads the headers a browser sets: Sec-Fetch-Site when it
// sends it, else Origin, which must be this server. A client that is not a
// browser sends neither, and still needs the token.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		return err == nil && u.Scheme == "https" && u.Host == r.Host
	}
	return true
}

// loopbackHostOnly refuses a request whose Host is not a loopback address.
// The page listens on loopback only; a request naming another host reached
// it through a name rebound to 127.0.0.1, the one way another site could
// read the page, and its token, as its own origin.
func loopbackHostOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if !loopback.Host(host) {
			http.Error(w, "open the sandbox page at its loopback address", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}
