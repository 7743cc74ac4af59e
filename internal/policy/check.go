package policy

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"parley/internal/core"
	"parley/internal/richtext"
)

// Set is a tenant's compiled policy. A nil *Set allows everything.
type Set struct {
	tenant *compiled
	links  map[core.LinkID]*compiled
	// Webhook is where alerts go ("" for nowhere).
	Webhook string
}

type compiled struct {
	files      FilePolicy
	restricted map[string]bool
	rules      []compiledRule
	limits     *Limits
}

type compiledRule struct {
	Rule
	det detector
}

// Compile turns a validated document into a Set.
func Compile(d Document) (*Set, error) {
	s := &Set{links: map[core.LinkID]*compiled{}, Webhook: d.AlertWebhook}
	var err error
	if d.Tenant != nil {
		if s.tenant, err = compileLink(*d.Tenant); err != nil {
			return nil, err
		}
	}
	for id, l := range d.Links {
		if s.links[core.LinkID(id)], err = compileLink(l); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func compileLink(l LinkPolicy) (*compiled, error) {
	c := &compiled{restricted: map[string]bool{}, limits: l.Limits}
	if l.Files != nil {
		c.files = *l.Files
	}
	for _, e := range l.RestrictedPeople {
		c.restricted[strings.ToLower(e)] = true
	}
	for _, r := range l.Rules {
		d, err := newDetector(r)
		if err != nil {
			return nil, err
		}
		if r.Name == "" {
			r.Name = Describe(r.Detector)
		}
		c.rules = append(c.rules, compiledRule{Rule: r, det: d})
	}
	return c, nil
}

// Limits returns a link's own limits and the tenant's (for all its
// traffic together); nil where none are set.
func (s *Set) Limits(link core.LinkID) (own, tenant *Limits) {
	if s == nil {
		return nil, nil
	}
	if c := s.links[link]; c != nil {
		own = c.limits
	}
	if s.tenant != nil {
		tenant = s.tenant.limits
	}
	return own, tenant
}

// Sender is what a check needs to know about the author.
type Sender struct {
	Email string // lower-cased; empty when the platform does not say
	Guest bool
}

// NeedsSender reports whether a check on the link depends on who sent
// (restricted people, files off for guests), so the router looks the
// author up only when it matters.
func (s *Set) NeedsSender(link core.LinkID) bool {
	if s == nil {
		return false
	}
	for _, c := range s.applying(link) {
		if len(c.restricted) > 0 || c.files.Guests != nil && !*c.files.Guests {
			return true
		}
	}
	return false
}

func (s *Set) applying(link core.LinkID) []*compiled {
	var out []*compiled
	if s.tenant != nil {
		out = append(out, s.tenant)
	}
	if c := s.links[link]; c != nil {
		out = append(out, c)
	}
	return out
}

// Finding is one rule that matched, without what it matched.
type Finding struct {
	Rule     string // the rule's name
	Detector string
	Action   string
	Count    int // how many matches
}

// Decision is what may leave for one event on one link.
type Decision struct {
	// Blocked, if set, is the rule that stops the event: nothing leaves.
	Blocked *Finding
	// Body is the body to relay (masked where a redact rule matched).
	Body richtext.Doc
	// Files are the files allowed to cross.
	Files []core.FileRef
	// Dropped says, per file held back, why (for the sender's notice).
	Dropped []string
	// Internal means the author may not send outside their workspace:
	// only destinations in the source's own workspace get the event.
	Internal bool
	// Findings are every rule that matched (blocking, redacting or
	// alerting), for alerts and metrics.
	Findings []Finding
}

// Changed reports whether the decision alters or stops the event.
func (d Decision) Changed() bool {
	return d.Blocked != nil || len(d.Dropped) > 0 || d.Internal || slices.ContainsFunc(d.Findings, func(f Finding) bool { return f.Action == ActionRedact })
}

// Check applies the tenant's and the link's policy to ev.
func (s *Set) Check(link core.LinkID, ev core.Event, who Sender) Decision {
	d := Decision{Body: ev.Body, Files: ev.Files}
	if s == nil {
		return d
	}
	cs := s.applying(link)
	if len(cs) == 0 {
		return d
	}
	email := strings.ToLower(who.Email)
	for _, c := range cs {
		if email != "" && c.restricted[email] {
			d.Internal = true
		}
	}
	if ev.Kind != core.Posted && ev.Kind != core.Edited {
		return d
	}
	if len(ev.Files) > 0 {
		d.Files = nil
		for _, f := range ev.Files {
			if why := fileRefused(cs, f, who); why != "" {
				d.Dropped = append(d.Dropped, fmt.Sprintf("%q: %s", f.Name, why))
				continue
			}
			d.Files = append(d.Files, f)
		}
	}
	body := ev.Body
	cloned := false
	for _, c := range cs {
		for _, r := range c.rules {
			n := 0
			if r.Action == ActionRedact {
				if !cloned {
					body, cloned = body.Clone(), true
				}
				n = redact(&body, r)
			} else {
				n = count(body, r.det)
			}
			if n == 0 {
				continue
			}
			f := Finding{Rule: r.Name, Detector: r.Detector, Action: r.Action, Count: n}
			d.Findings = append(d.Findings, f)
			if r.Action == ActionBlock && d.Blocked == nil {
				d.Blocked = &f
			}
		}
	}
	d.Body = body
	return d
}

// fileRefused says why f may not cross, or "" if it may.
func fileRefused(cs []*compiled, f core.FileRef, who Sender) string {
	for _, c := range cs {
		fs := c.files
		switch {
		case fs.Enabled != nil && !*fs.Enabled:
			return "file sharing is turned off here"
		case fs.Guests != nil && !*fs.Guests && who.Guest:
			return "guests may not share files here"
		case fs.MaxBytes > 0 && f.Size > fs.MaxBytes:
			return fmt.Sprintf("it is larger than the %s allowed", bytesText(fs.MaxBytes))
		case len(fs.Types) > 0 && !typeAllowed(fs.Types, f):
			return "this type of file is not allowed here"
		}
	}
	return ""
}

func typeAllowed(types []string, f core.FileRef) bool {
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(f.Name), "."))
	mt := strings.ToLower(f.MimeType)
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = strings.TrimSpace(mt[:i])
	}
	for _, t := range types {
		switch {
		case !strings.Contains(t, "/"):
			if ext != "" && t == ext {
				return true
			}
		case strings.HasSuffix(t, "/*"):
			if mt != "" && strings.HasPrefix(mt, strings.TrimSuffix(t, "*")) {
				return true
			}
		case mt == t:
			return true
		}
	}
	return false
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// scanned are the node kinds whose Text people read: text and code. A
// link's URL is scanned too (a token pasted as a link is still a token).
func scanned(k richtext.Kind) bool {
	return k == richtext.Text || k == richtext.Code || k == richtext.CodeBlock
}

func count(body richtext.Doc, det detector) int {
	n := 0
	body.Walk(func(node *richtext.Node) {
		if scanned(node.Kind) {
			n += len(det.find(node.Text))
		}
		if node.Kind == richtext.Link {
			n += len(det.find(node.URL))
		}
	})
	return n
}

// redact masks every match of r in body and reports how many it masked.
// A link whose URL matches loses its URL: what shows is its label, or the
// masked URL as text.
func redact(body *richtext.Doc, r compiledRule) int {
	n := 0
	mask := "[" + r.Name + " redacted]"
	body.Walk(func(node *richtext.Node) {
		if scanned(node.Kind) {
			if ms := r.det.find(node.Text); len(ms) > 0 {
				node.Text = replace(node.Text, ms, mask)
				n += len(ms)
			}
		}
		if node.Kind == richtext.Link {
			if ms := r.det.find(node.URL); len(ms) > 0 {
				n += len(ms)
				masked := replace(node.URL, ms, mask)
				if len(node.Children) == 0 {
					*node = richtext.Node{Kind: richtext.Text, Text: masked}
				} else {
					*node = richtext.Node{Kind: richtext.Italic, Children: node.Children}
				}
			}
		}
	})
	return n
}

func replace(s string, ms [][2]int, mask string) string {
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m[0]])
		b.WriteString(mask)
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}
