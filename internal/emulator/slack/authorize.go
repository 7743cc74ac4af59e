package slack

import (
	"net/http"
	"regexp"
	"slices"
	"time"

	"parley/internal/emulator/idp"
	"parley/internal/emulator/ids"
)

// pageLifetime is how long an authorize page can be answered.
const pageLifetime = 10 * time.Minute

// maxFormBody caps the chooser form's body.
const maxFormBody = 16 << 10

// Which authorize page a request came from.
const (
	flowInstall = "oauth"  // /oauth/v2/authorize: install or user consent
	flowOpenID  = "openid" // /openid/connect/authorize: Sign in with Slack
)

// authzRequest is an authorize request awaiting the person's choice.
type authzRequest struct {
	idp.Request // Redirect defaults to the app's first Redirect URL
	flow        string
	appID       string
	team        string // the team parameter: only its people may answer
	botScopes   []string
	userScopes  []string // install flow: user_scope; sign-in: scope
}

// grantInfo is what a Slack code stands for.
type grantInfo struct {
	flow       string
	appID      string
	team       string
	botScopes  []string
	userScopes []string
	// minted: made by the control API for a bot install with the app's
	// configured scopes.
	minted bool
}

// scopeName is the syntax of a Slack scope ("chat:write",
// "users:read.email", "openid").
var scopeName = regexp.MustCompile(`^[a-z]+(:[a-z.]+)*$`)

func validScopes(scopes []string) bool {
	for _, s := range scopes {
		if !scopeName.MatchString(s) {
			return false
		}
	}
	return true
}

// identityRoutes registers Sign in with Slack and the OAuth v2 authorize
// pages (the Web API methods are in the methods table).
func (e *Emulator) identityRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /.well-known/openid-configuration", e.serveOpenIDConfiguration)
	mux.HandleFunc("GET /openid/connect/keys", e.serveOpenIDKeys)
	mux.HandleFunc("GET /openid/connect/authorize", e.serveAuthorize(flowOpenID))
	mux.HandleFunc("POST /openid/connect/authorize", e.serveAuthorizeAnswer)
	mux.HandleFunc("GET /oauth/v2/authorize", e.serveAuthorize(flowInstall))
	mux.HandleFunc("POST /oauth/v2/authorize", e.serveAuthorizeAnswer)
}

// serveAuthorize shows the consent page with an account chooser. A bad
// client_id or redirect_uri gets an error page, never a redirect, as on
// slack.com; other problems are sent back to the redirect URI.
func (e *Emulator) serveAuthorize(flow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		e.mu.Lock()
		var a *app
		for _, cand := range e.st.apps {
			if cand.clientID != "" && cand.clientID == q.Get("client_id") {
				a = cand
			}
		}
		var appName string
		var redirects []string
		if a != nil {
			appName, redirects = a.name, slices.Clone(a.redirectURLs)
		}
		e.mu.Unlock()
		if a == nil {
			idp.WriteErrorPage(w, http.StatusBadRequest, "Invalid client_id parameter", "The app's client_id is missing or unknown.")
			return
		}
		req := authzRequest{Request: idp.ReadRequest(q), flow: flow, appID: a.id, team: q.Get("team")}
		switch {
		case req.RedirectURI != "" && slices.Contains(redirects, req.RedirectURI):
		case req.RedirectURI == "" && len(redirects) > 0:
			req.Redirect = redirects[0]
		case req.RedirectURI == "":
			idp.WriteErrorPage(w, http.StatusBadRequest, "Missing redirect_uri", "No redirect_uri was passed and the app has no Redirect URL configured.")
			return
		default:
			idp.WriteErrorPage(w, http.StatusBadRequest, "redirect_uri did not match any configured URIs.",
				"Passed URI: "+req.RedirectURI)
			return
		}
		fail := func(code string) { req.Fail(w, r, code, nil) }
		if flow == flowOpenID {
			req.userScopes = idp.SplitScopes(q.Get("scope"))
			if q.Get("response_type") != "code" {
				fail("unsupported_response_type")
				return
			}
			if !slices.Contains(req.userScopes, "openid") || !validScopes(req.userScopes) {
				fail("invalid_scope")
				return
			}
		} else {
			req.botScopes, req.userScopes = idp.SplitScopes(q.Get("scope")), idp.SplitScopes(q.Get("user_scope"))
			if len(req.botScopes)+len(req.userScopes) == 0 || !validScopes(req.botScopes) || !validScopes(req.userScopes) {
				fail("invalid_scope")
				return
			}
		}
		if !idp.ValidChallenge(req.Challenge, req.Method, "S256") {
			fail("invalid_request")
			return
		}
		title, intro := "Sign in to "+appName, appName+" would like to know:"
		scopes := req.userScopes
		if flow == flowInstall {
			title, intro = appName+" is requesting permission to access a Slack workspace", "It will be able to:"
			scopes = nil
			for _, s := range req.botScopes {
				scopes = append(scopes, s+" (as the app)")
			}
			for _, s := range req.userScopes {
				scopes = append(scopes, s+" (as you)")
			}
		}
		idp.WriteChooser(w, idp.Chooser{
			Platform: "Slack", Title: title, Intro: intro, Scopes: scopes, Action: r.URL.Path,
			Request: e.pending.Put(req), Accounts: e.chooserAccounts(req.team), Deny: "Cancel",
		})
	}
}

// chooserAccounts lists the people (not bots) who may answer: those of
// team, or of every workspace without one, workspace by workspace.
func (e *Emulator) chooserAccounts(team string) []idp.Account {
	e.mu.Lock()
	defer e.mu.Unlock()
	var teams []string
	for id := range e.st.teams {
		if team == "" || id == team {
			teams = append(teams, id)
		}
	}
	slices.Sort(teams)
	var out []idp.Account
	for _, tid := range teams {
		t := e.st.teams[tid]
		for _, uid := range t.users {
			if u := e.st.users[uid]; !u.isBot && u.email != "" {
				out = append(out, idp.Account{ID: u.id, Email: u.email, Name: u.realName + " · " + t.name})
			}
		}
	}
	return out
}

// serveAuthorizeAnswer takes the chooser form: an account (approve as
// that person) or deny.
func (e *Emulator) serveAuthorizeAnswer(w http.ResponseWriter, r *http.Request) {
	ans, ok := e.pending.TakeAnswer(w, r, maxFormBody, idp.AnswerPages{
		BadForm: idp.Page{Title: "Bad request", Detail: "The form could not be read."},
		Expired: idp.Page{Title: "This link has expired", Detail: "Go back to the app and start again."},
	})
	if !ok {
		return
	}
	req := ans.Request
	if ans.Denied {
		req.Fail(w, r, "access_denied", nil)
		return
	}
	e.mu.Lock()
	u := e.st.users[ans.Account]
	e.mu.Unlock()
	if u == nil || u.isBot || (req.team != "" && u.team != req.team) {
		idp.WriteErrorPage(w, http.StatusBadRequest, "Unknown account", "Choose one of the accounts listed.")
		return
	}
	code := ids.String(ids.Digits, 13) + "." + ids.String(ids.Digits, 13) + "." + ids.Hex(32)
	idp.Approve(w, r, e.codes, code, req.Request, u.id, e.base.Wall(),
		grantInfo{flow: req.flow, appID: req.appID, team: u.team, botScopes: req.botScopes, userScopes: req.userScopes}, nil)
}

// clientApp authenticates a token request's client (form fields or HTTP
// Basic); errCode is Slack's answer when that fails.
func (c *call) clientApp() (a *app, errCode string) {
	clientID, secret := c.args["client_id"], c.args["client_secret"]
	if id, s, ok := c.r.BasicAuth(); ok {
		clientID, secret = id, s
	}
	for _, cand := range c.e.st.apps {
		if clientID != "" && cand.clientID == clientID {
			a = cand
		}
	}
	if a == nil {
		return nil, "invalid_client_id"
	}
	if !secretsEqual(a.clientSecret, secret) {
		return nil, "bad_client_secret"
	}
	return a, ""
}
