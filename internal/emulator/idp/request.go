package idp

import (
	"net/http"
	"net/url"
	"time"
)

// Request is what every authorize request carries across the account
// chooser (OAuth 2.0, OpenID Connect, PKCE). A platform's pending request
// embeds it and adds its own (scopes, tenant, flow).
type Request struct {
	ClientID string
	// RedirectURI is the redirect_uri as the request gave it ("" if it
	// gave none); the token request must repeat it. Redirect is where the
	// browser goes back to: RedirectURI, or the platform's default.
	RedirectURI, Redirect string
	State, Nonce          string
	// Challenge and Method are the PKCE code_challenge and
	// code_challenge_method.
	Challenge, Method string
}

// ReadRequest takes the standard parameters from an authorize request's
// query; Redirect is redirect_uri, for the platform to check or default.
func ReadRequest(q url.Values) Request {
	return Request{
		ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"), Redirect: q.Get("redirect_uri"),
		State: q.Get("state"), Nonce: q.Get("nonce"), Challenge: q.Get("code_challenge"), Method: q.Get("code_challenge_method"),
	}
}

// Return sends the browser back to the app's Redirect with params and the
// request's state.
func (req Request) Return(w http.ResponseWriter, r *http.Request, params url.Values) {
	if params == nil {
		params = url.Values{}
	}
	params.Set("state", req.State)
	Redirect(w, r, req.Redirect, params)
}

// Fail returns the browser with error=code (access_denied when the person
// declined, invalid_scope, …) and params the platform adds.
func (req Request) Fail(w http.ResponseWriter, r *http.Request, code string, params url.Values) {
	if params == nil {
		params = url.Values{}
	}
	params.Set("error", code)
	req.Return(w, r, params)
}

// Approve stores code as account's answer to req, with data, and returns
// the browser with it (and params the platform adds).
func Approve[T any](w http.ResponseWriter, r *http.Request, codes *Codes[T], code string, req Request, account string, authTime time.Time, data T, params url.Values) {
	codes.Issue(code, Grant[T]{ClientID: req.ClientID, RedirectURI: req.RedirectURI, Nonce: req.Nonce,
		Challenge: req.Challenge, Method: req.Method, Account: account, AuthTime: authTime, Data: data})
	if params == nil {
		params = url.Values{}
	}
	params.Set("code", code)
	req.Return(w, r, params)
}
