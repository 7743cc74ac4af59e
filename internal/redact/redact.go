// Package redact takes out of URLs what may be secret or personal before
// a URL is shown in an error or a log line: query strings (pre-signed
// upload and download links carry their credential there), and path
// segments (file names, pre-signed upload paths, people's and channels'
// IDs). Errors from net/http quote the whole request URL; Error makes
// them safe at the call site, and logging applies Text to every line as
// a safety net.
package redact

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// Placeholder replaces what was taken out.
const Placeholder = "[redacted]"

// URL returns raw with its user info removed and its path, query and
// fragment replaced by the placeholder: what is left, scheme and host, says
// where a request went without saying what it asked for. What is not a URL
// with a host comes back as the placeholder.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return Placeholder
	}
	out := u.Scheme + "://" + u.Host
	if u.Path != "" && u.Path != "/" || u.RawPath != "" {
		out += "/" + Placeholder
	} else {
		out += u.Path
	}
	if u.RawQuery != "" || u.ForceQuery {
		out += "?" + Placeholder
	}
	if u.Fragment != "" {
		out += "#" + Placeholder
	}
	return out
}

// urlPattern finds URLs in free text: a quoted URL runs to its closing
// quote (url.Error and %q quote them, and a file name may hold spaces);
// an unquoted one stops at whitespace, quotes and angle brackets.
var urlPattern = regexp.MustCompile(`"[A-Za-z][A-Za-z0-9+.-]{1,15}://[^"]*"|[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s"'<>\x60]+`)

// Text redacts every URL in s.
func Text(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlPattern.ReplaceAllStringFunc(s, func(m string) string {
		if inner, ok := strings.CutPrefix(m, `"`); ok {
			return `"` + URL(strings.TrimSuffix(inner, `"`)) + `"`
		}
		return URL(m)
	})
}

// Error makes the *url.Error inside err (what http.Client.Do returns)
// show a redacted URL, and returns err. Call it on an error from Do before
// wrapping it; nil stays nil.
func Error(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = URL(ue.URL)
	}
	return err
}
