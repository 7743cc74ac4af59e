// Package logging builds Parley's slog logger: JSON lines, a level, and a
// ReplaceAttr safety net that redacts anything that looks like a credential
// or message content even if a caller forgets to wrap it, and the paths
// and query strings of URLs (file names, pre-signed links), which errors
// from net/http quote whole.
//
// The first line of defence is the types themselves (secret.Secret,
// richtext.Doc and core.Event print redacted); this is the second.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"

	"parley/internal/redact"
)

// New returns a JSON logger at level ("debug", "info", "warn", "error").
func New(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l, ReplaceAttr: Redact}))
}

// sensitiveKeys are attribute names whose values are never logged.
var sensitiveKeys = []string{"token", "secret", "password", "authorization", "cookie", "signature", "text", "body", "content", "payload", "email"}

// tokenPattern matches credentials by shape: Slack tokens, bearer headers,
// JWTs.
var tokenPattern = regexp.MustCompile(`xox[abposer]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?i:bearer\s+[A-Za-z0-9._~+/=-]+)|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+`)

const redacted = "[redacted]"

// Redact is a slog ReplaceAttr function.
func Redact(groups []string, a slog.Attr) slog.Attr {
	key := strings.ToLower(a.Key)
	for _, s := range sensitiveKeys {
		if strings.Contains(key, s) {
			return slog.String(a.Key, redacted)
		}
	}
	var s string
	switch a.Value.Kind() {
	case slog.KindString:
		s = a.Value.String()
	case slog.KindAny:
		// Errors often quote what a platform sent back, and the URL
		// they were sending to.
		switch v := a.Value.Any().(type) {
		case error:
			s = v.Error()
		case fmt.Stringer: // *url.URL among others
			s = v.String()
		}
	}
	if s == "" {
		return a
	}
	r := redact.Text(s)
	if tokenPattern.MatchString(r) {
		r = tokenPattern.ReplaceAllString(r, redacted)
	}
	if r != s {
		return slog.String(a.Key, r)
	}
	return a
}
