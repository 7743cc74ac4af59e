package policy

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// Document is a tenant's whole policy, as PUT tenants/{t}/policies
// replaces it. Tenant, if set, applies to every link in addition to the
// link's own entry; where both say something the stricter wins.
type Document struct {
	Tenant       *LinkPolicy           `json:"tenant,omitempty"`
	Links        map[string]LinkPolicy `json:"links"`
	AlertWebhook string                `json:"alert_webhook,omitempty"`
}

// LinkPolicy is the policy of one link (or, as Document.Tenant, of all).
type LinkPolicy struct {
	Files            *FilePolicy `json:"files,omitempty"`
	RestrictedPeople []string    `json:"restricted_people,omitempty"`
	Rules            []Rule      `json:"rules,omitempty"`
	Limits           *Limits     `json:"limits,omitempty"`
}

// FilePolicy says which files may cross. Absent fields allow.
type FilePolicy struct {
	// Enabled false stops every file.
	Enabled *bool `json:"enabled,omitempty"`
	// Guests false stops files posted by guest accounts.
	Guests *bool `json:"guests,omitempty"`
	// MaxBytes caps a file's size; 0 means no limit.
	MaxBytes int64 `json:"max_bytes"`
	// Types, if not empty, are the only files allowed: extensions
	// ("pdf", ".png") or MIME types ("image/png", "image/*").
	Types []string `json:"types,omitempty"`
}

// Detectors a rule can use.
const (
	DetectPaymentCard = "payment_card"
	DetectIBAN        = "iban"
	DetectSecret      = "secret"
	DetectRegex       = "regex"
)

// Actions.
const (
	ActionBlock  = "block"  // nothing leaves; the sender is told which rule
	ActionRedact = "redact" // the match is masked in every copy
	ActionAlert  = "alert"  // relayed as is; an alert is raised
)

// Rule is one content rule.
type Rule struct {
	// Name is what the sender's notice and alerts call the rule; it
	// defaults to the detector's description.
	Name     string `json:"name,omitempty"`
	Detector string `json:"detector"`
	// Pattern is the RE2 expression of a regex rule.
	Pattern string `json:"pattern,omitempty"`
	Action  string `json:"action"`
}

// Limits are hard limits of a link's traffic, per window; 0 means no
// limit. Action says what crossing one does: alert, or block (the link is
// quarantined until an admin releases it).
type Limits struct {
	FilesPerHour        int64 `json:"files_per_hour"`
	BytesPerHour        int64 `json:"bytes_per_hour"`
	MessagesPerMinute   int64 `json:"messages_per_minute"`
	DestinationsPerHour int64 `json:"new_destinations_per_hour,omitempty"`
	// BaselineFactor alerts when an hour's messages, files or bytes
	// exceed this many times the learned usual; 0 turns it off.
	BaselineFactor float64 `json:"baseline_factor,omitempty"`
	Action         string  `json:"action,omitempty"`
}

// Bounds on what a document may hold: a policy is configuration, and a
// huge one is a mistake or an attack on the relay's speed.
const (
	MaxRules      = 50
	MaxPattern    = 512
	MaxProgram    = 5000 // instructions of a compiled pattern
	MaxRestricted = 1000
	MaxTypes      = 100
	maxName       = 100
)

// ErrInvalid is wrapped by every validation error; the message says which
// field and what to do.
var ErrInvalid = errors.New("invalid policy")

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
}

// Validate checks the document against the tenant's links (links lists
// their IDs) and normalises it in place: emails lower-cased, extensions
// without dots, actions and defaults spelled out.
func (d *Document) Validate(links []string) error {
	known := map[string]bool{}
	for _, l := range links {
		known[l] = true
	}
	if d.Links == nil {
		d.Links = map[string]LinkPolicy{}
	}
	if d.Tenant != nil {
		if err := d.Tenant.validate("tenant"); err != nil {
			return err
		}
	}
	for id, l := range d.Links {
		if !known[id] {
			return invalid("links.%s: the tenant has no such link", id)
		}
		if err := l.validate("links." + id); err != nil {
			return err
		}
		d.Links[id] = l
	}
	if d.AlertWebhook != "" {
		u, err := url.Parse(d.AlertWebhook)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" {
			return invalid("alert_webhook: want an https URL without credentials, such as https://siem.example/parley")
		}
	}
	return nil
}

func (l *LinkPolicy) validate(at string) error {
	if f := l.Files; f != nil {
		if f.MaxBytes < 0 {
			return invalid("%s.files.max_bytes: want 0 (no limit) or more", at)
		}
		if len(f.Types) > MaxTypes {
			return invalid("%s.files.types: at most %d", at, MaxTypes)
		}
		for i, t := range f.Types {
			n := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t), "."))
			if n == "" || len(n) > 100 || strings.ContainsAny(n, " ,;") || !utf8.ValidString(n) {
				return invalid("%s.files.types[%d]: want an extension such as \"pdf\" or a MIME type such as \"image/png\"", at, i)
			}
			f.Types[i] = n
		}
	}
	if len(l.RestrictedPeople) > MaxRestricted {
		return invalid("%s.restricted_people: at most %d", at, MaxRestricted)
	}
	for i, e := range l.RestrictedPeople {
		a, err := mail.ParseAddress(e)
		if err != nil || a.Name != "" || a.Address != strings.TrimSpace(e) || len(e) > 254 {
			return invalid("%s.restricted_people[%d]: want a bare email address", at, i)
		}
		l.RestrictedPeople[i] = strings.ToLower(a.Address)
	}
	if len(l.Rules) > MaxRules {
		return invalid("%s.rules: at most %d", at, MaxRules)
	}
	for i := range l.Rules {
		if err := l.Rules[i].validate(fmt.Sprintf("%s.rules[%d]", at, i)); err != nil {
			return err
		}
	}
	if m := l.Limits; m != nil {
		if m.FilesPerHour < 0 || m.BytesPerHour < 0 || m.MessagesPerMinute < 0 || m.DestinationsPerHour < 0 {
			return invalid("%s.limits: want 0 (no limit) or more", at)
		}
		if m.BaselineFactor != 0 && (m.BaselineFactor < 1 || m.BaselineFactor > 1000) {
			return invalid("%s.limits.baseline_factor: want 0 (off) or 1 to 1000", at)
		}
		switch m.Action {
		case "":
			m.Action = ActionAlert
		case ActionAlert, ActionBlock:
		default:
			return invalid("%s.limits.action: want \"alert\" or \"block\"", at)
		}
	}
	return nil
}

func (r *Rule) validate(at string) error {
	switch r.Action {
	case ActionBlock, ActionRedact, ActionAlert:
	default:
		return invalid("%s.action: want \"block\", \"redact\" or \"alert\"", at)
	}
	if utf8.RuneCountInString(r.Name) > maxName || !utf8.ValidString(r.Name) {
		return invalid("%s.name: at most %d characters", at, maxName)
	}
	switch r.Detector {
	case DetectPaymentCard, DetectIBAN, DetectSecret:
		if r.Pattern != "" {
			return invalid("%s.pattern: only a regex rule has a pattern", at)
		}
	case DetectRegex:
		if _, err := compilePattern(r.Pattern); err != nil {
			return invalid("%s.pattern: %v", at, err)
		}
	default:
		return invalid("%s.detector: want payment_card, iban, secret or regex", at)
	}
	if r.Name == "" {
		r.Name = Describe(r.Detector)
	}
	return nil
}

// checkProgram bounds a pattern's compiled size, so one rule cannot make
// every message slow: RE2 runs in time linear in the text, times the
// program's size.
func checkProgram(pattern string) error {
	if pattern == "" {
		return errors.New("required")
	}
	if len(pattern) > MaxPattern {
		return fmt.Errorf("at most %d bytes", MaxPattern)
	}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return fmt.Errorf("not a valid RE2 expression: %v", err)
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return fmt.Errorf("not a valid RE2 expression: %v", err)
	}
	if len(prog.Inst) > MaxProgram {
		return fmt.Errorf("too complex (%d instructions, at most %d); simplify it", len(prog.Inst), MaxProgram)
	}
	return nil
}

// Describe names what a detector finds, for people.
func Describe(detector string) string {
	switch detector {
	case DetectPaymentCard:
		return "payment card number"
	case DetectIBAN:
		return "bank account number (IBAN)"
	case DetectSecret:
		return "secret or access key"
	}
	return "custom rule"
}
