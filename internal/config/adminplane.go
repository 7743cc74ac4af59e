package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// AdminOptions configure the admin plane (sign-in, sessions, tokens,
// audit) beside the admin listener. The listener's url is how browsers
// reach it (default https://<listen>): sign-in redirect URIs are built on
// it (default: the address it listens on).
type AdminOptions struct {
	// SignIn lists the OpenID providers people sign in with. No
	// passwords: a person is who their platform's provider says.
	SignIn []SignIn `yaml:"sign_in"`
	// Operators are the installation operators' emails: they create
	// tenants and run the deployment, but see nothing inside a tenant.
	Operators []string `yaml:"operators"`
	// SessionTTL is a console session's life (default 8h).
	SessionTTL time.Duration `yaml:"session_ttl"`
	// TokenTTL is a personal API token's default and longest life
	// (default 2160h, 90 days).
	TokenTTL time.Duration `yaml:"token_ttl"`
	// AuditRetention is how long audit entries are kept (default 8760h,
	// one year).
	AuditRetention time.Duration `yaml:"audit_retention"`
	// AlertWebhookSecret signs the alerts posted to each tenant's
	// alert_webhook (HMAC-SHA256, X-Parley-Signature); without it alerts
	// are stored and counted but not posted.
	AlertWebhookSecret SecretRef `yaml:"alert_webhook_secret"`
	// AlertRetention is how long alerts are kept (default 720h, 30 days).
	AlertRetention time.Duration `yaml:"alert_retention"`
}

// SignIn is one OpenID provider.
type SignIn struct {
	// Name is how role assignments and URLs name it, usually after the
	// platform whose accounts it vouches for.
	Name         string    `yaml:"name"`
	Issuer       string    `yaml:"issuer"`
	ClientID     string    `yaml:"client_id"`
	ClientSecret SecretRef `yaml:"client_secret"`
	// TrustEmailClaim accepts the email claim without email_verified
	// (Entra ID never sends it): only for a single-tenant issuer.
	TrustEmailClaim bool `yaml:"trust_email_claim"`
}

// RoleGrant gives a person a role in a tenant.
type RoleGrant struct {
	Email string `yaml:"email"`
	Role  string `yaml:"role"`
	// Provider, if set, is the only sign-in provider that may vouch for
	// this email.
	Provider string `yaml:"provider,omitempty"`
}

func (a *Admin) applyDefaults() {
	if a.SessionTTL == 0 {
		a.SessionTTL = 8 * time.Hour
	}
	if a.TokenTTL == 0 {
		a.TokenTTL = 90 * 24 * time.Hour
	}
	if a.AuditRetention == 0 {
		a.AuditRetention = 365 * 24 * time.Hour
	}
	if a.AlertRetention == 0 {
		a.AlertRetention = 30 * 24 * time.Hour
	}
}

var tenantRoles = []string{"owner", "admin", "operator", "auditor", "viewer"}

func (c *Config) validateAdminPlane() []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if u, err := url.Parse(c.Admin.URL); c.Admin.URL != "" && (err != nil || u.Scheme != "https" || u.Host == "") {
		add("admin.url: %q must be an https URL", c.Admin.URL)
	}
	names := map[string]bool{}
	for i, p := range c.Admin.SignIn {
		at := fmt.Sprintf("admin.sign_in[%d]", i)
		if p.Name == "" || strings.ContainsAny(p.Name, "/?#% ") {
			add("%s.name: required, without spaces or / ? # %%", at)
		}
		if names[p.Name] {
			add("%s.name: %q is given twice", at, p.Name)
		}
		names[p.Name] = true
		if u, err := url.Parse(p.Issuer); err != nil || u.Scheme != "https" || u.Host == "" {
			add("%s.issuer: %q must be an https URL", at, p.Issuer)
		}
		if p.ClientID == "" || p.ClientSecret.Value.IsZero() {
			add("%s: client_id and client_secret are required", at)
		} else if isPlaceholder(p.ClientSecret.Value.Reveal()) {
			add("%s.client_secret: looks like a placeholder", at)
		}
		if p.TrustEmailClaim && (strings.Contains(p.Issuer, "/common/") || strings.Contains(p.Issuer, "/organizations/") || strings.Contains(p.Issuer, "/consumers/")) {
			add("%s.trust_email_claim: only for a single-tenant issuer; anyone can claim any email in a multi-tenant one", at)
		}
	}
	for i, e := range c.Admin.Operators {
		if !validEmail(e) {
			add("admin.operators[%d]: %q is not a bare email address", i, e)
		}
	}
	if c.Admin.SessionTTL < time.Minute || c.Admin.SessionTTL > 7*24*time.Hour {
		add("admin.session_ttl: %s is outside 1m to 168h", c.Admin.SessionTTL)
	}
	if c.Admin.TokenTTL < time.Hour {
		add("admin.token_ttl: %s is shorter than 1h", c.Admin.TokenTTL)
	}
	if c.Admin.AlertRetention < time.Hour {
		add("admin.alert_retention: %s is shorter than 1h", c.Admin.AlertRetention)
	}
	if c.Admin.AuditRetention < 24*time.Hour {
		add("admin.audit_retention: %s is shorter than 24h", c.Admin.AuditRetention)
	}
	for i, t := range c.Tenants {
		at := fmt.Sprintf("tenants[%d]", i)
		for j, e := range t.Owners {
			if !validEmail(e) {
				add("%s.owners[%d]: %q is not a bare email address", at, j, e)
			}
		}
		for j, r := range t.Roles {
			rat := fmt.Sprintf("%s.roles[%d]", at, j)
			if !validEmail(r.Email) {
				add("%s.email: %q is not a bare email address", rat, r.Email)
			}
			ok := false
			for _, n := range tenantRoles {
				ok = ok || r.Role == n
			}
			if !ok {
				add("%s.role: %q is not one of %s", rat, r.Role, strings.Join(tenantRoles, ", "))
			}
			if r.Provider != "" && !names[r.Provider] {
				add("%s.provider: %q is not one of admin.sign_in", rat, r.Provider)
			}
		}
	}
	return errs
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}
