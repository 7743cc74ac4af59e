package idp

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// Account is one person the chooser offers.
type Account struct {
	ID    string // the emulator's ID, posted back as account=ID
	Email string // the button's label
	Name  string // shown beside the button
}

// Chooser is an authorize page: who is asking, for what, and who may
// answer.
type Chooser struct {
	Platform string // "Slack", "Microsoft", …: the page's brand line
	Title    string // e.g. "Sign in to Parley"
	Intro    string // e.g. "Parley is requesting permission to:"
	Scopes   []string
	Action   string // path the form posts to
	Request  string // Pending ID
	Accounts []Account
	// Deny labels the refusal button ("Cancel", "Deny", …).
	Deny string
}

var chooserPage = template.Must(template.New("chooser").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – {{.Platform}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
button{display:block;width:100%;margin:.4rem 0;padding:.6rem;font-size:1rem;text-align:left}
button.deny{text-align:center}small{color:#555}</style></head>
<body><main>
<p>{{.Platform}}</p>
<h1>{{.Title}}</h1>
{{if .Scopes}}<p>{{.Intro}}</p><ul>{{range .Scopes}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="request" value="{{.Request}}">
<fieldset><legend>Choose an account</legend>
{{range .Accounts}}<button type="submit" name="account" value="{{.ID}}">{{.Email}}</button>{{if .Name}}<small>{{.Name}}</small>{{end}}
{{else}}<p>No account can answer this request.</p>
{{end}}</fieldset>
<button class="deny" type="submit" name="deny" value="1">{{.Deny}}</button>
</form>
</main></body></html>
`))

// WriteChooser renders the account chooser. It is not cached and may not
// be framed, as real consent pages.
func WriteChooser(w http.ResponseWriter, c Chooser) {
	if c.Deny == "" {
		c.Deny = "Deny"
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'")
	w.WriteHeader(http.StatusOK)
	_ = chooserPage.Execute(w, c)
}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body><main><h1 id="error">{{.Title}}</h1><p id="detail">{{.Detail}}</p></main></body></html>
`))

// WriteErrorPage answers an authorize request that must not be sent back
// to the client (unknown client, redirect URI not registered, bad
// request), as the platforms do: an HTML page, never a redirect.
func WriteErrorPage(w http.ResponseWriter, status int, title, detail string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = errorPage.Execute(w, struct{ Title, Detail string }{title, detail})
}

// Redirect sends the browser to redirectURI with params added to its
// query (keeping any query it already has), as response_mode=query does.
func Redirect(w http.ResponseWriter, r *http.Request, redirectURI string, params url.Values) {
	u, err := url.Parse(redirectURI)
	if err != nil {
		WriteErrorPage(w, http.StatusBadRequest, "Invalid redirect URI", "The redirect URI cannot be parsed.")
		return
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			if v != "" {
				q.Add(k, v)
			}
		}
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// SplitScopes splits a scope parameter on spaces, commas or '+'-decoded
// spaces, dropping empties and duplicates, keeping order.
func SplitScopes(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}
