package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"parley/internal/core"
	"parley/internal/platform"
)

// placeholders are values copied from examples that must not reach
// production.
var placeholders = []string{"changeme", "change-me", "xxx", "todo", "your-", "<", "example-secret"}

// Validate reports every problem at once, each naming where it is.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	for name, addr := range map[string]string{"public.listen": c.Public.Listen, "admin.listen": c.Admin.Listen} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			add("%s: %q is not host:port", name, addr)
		}
	}
	if (c.Public.CertFile == "") != (c.Public.KeyFile == "") {
		add("public: cert_file and key_file go together")
	}
	if c.Public.CertFile == "" {
		add("public: cert_file and key_file are required: the public listener serves HTTPS only")
	}
	if c.Public.URL != "" {
		if u, err := url.Parse(c.Public.URL); err != nil || u.Scheme != "https" || u.Host == "" {
			add("public.url: %q must be an https URL", c.Public.URL)
		}
	}
	if c.Admin.Token.Value.IsZero() {
		add("admin.token: required (env:NAME or file:/path)")
	}
	errs = append(errs, c.validateStore()...)
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add("log.level: %q is not one of debug, info, warn, error", c.Log.Level)
	}
	for name, s := range map[string]SecretRef{"admin.token": c.Admin.Token, "admin.alert_webhook_secret": c.Admin.AlertWebhookSecret} {
		if isPlaceholder(s.Value.Reveal()) {
			add("%s: looks like a placeholder; set the real value", name)
		}
	}
	errs = append(errs, c.validateBus()...)
	errs = append(errs, c.validateAdmin()...)
	errs = append(errs, c.validatePlatforms(Platforms())...)
	errs = append(errs, c.validateTenants()...)
	errs = append(errs, c.validateAdminPlane()...)
	return errors.Join(errs...)
}

func (c *Config) validateTenants() []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	tenants := map[core.TenantID]bool{}
	// A workspace belongs to one tenant: its inbound events are attributed
	// by the workspace, so a second owner would read the first's traffic.
	owners := map[core.ChannelRef]string{}
	ps := Platforms()
	for i, t := range c.Tenants {
		at := fmt.Sprintf("tenants[%d]", i)
		if t.ID == "" || strings.ContainsAny(string(t.ID), " ./*>") {
			add("%s.id: %q must be a non-empty token without spaces, dots, * or >", at, t.ID)
		}
		if tenants[t.ID] {
			add("%s.id: %q is given twice", at, t.ID)
		}
		tenants[t.ID] = true
		workspaces := map[core.ChannelRef]bool{}
		for j, w := range t.Workspaces {
			wat := fmt.Sprintf("%s.workspaces[%d]", at, j)
			p, known := platform.Find(ps, w.Platform)
			if !known {
				add("%s.platform: %q is not supported (%s)", wat, w.Platform, platformNames(ps))
			}
			if w.ID == "" {
				add("%s.id: required", wat)
			}
			if w.BotToken.Value.IsZero() && known && p.BotToken == platform.TokenRequired {
				add("%s.bot_token: required (env:NAME or file:/path)", wat)
			} else if isPlaceholder(w.BotToken.Value.Reveal()) {
				add("%s.bot_token: looks like a placeholder", wat)
			}
			ref := core.ChannelRef{Platform: w.Platform, Workspace: w.ID}
			where := fmt.Sprintf("%s (tenant %q)", wat, t.ID)
			if prev, dup := owners[ref]; dup && w.ID != "" {
				add("%s: workspace %s/%s is also listed at %s; a workspace belongs to one tenant only, so keep it under its owner and remove it from the other", wat, w.Platform, w.ID, prev)
			} else {
				owners[ref] = where
			}
			workspaces[ref] = true
		}
		seen := map[core.ChannelRef]string{}
		for j, l := range t.Links {
			lat := fmt.Sprintf("%s.links[%d]", at, j)
			if l.ID == "" {
				add("%s.id: required", lat)
			}
			if len(l.Channels) < 2 {
				add("%s: a link needs at least two channels", lat)
			}
			for k, ch := range l.Channels {
				cat := fmt.Sprintf("%s.channels[%d]", lat, k)
				if !workspaces[core.ChannelRef{Platform: ch.Platform, Workspace: ch.Workspace}] {
					add("%s: workspace %s/%s is not one of this tenant's workspaces", cat, ch.Platform, ch.Workspace)
				}
				if ch.Channel == "" {
					add("%s.channel: required", cat)
				}
				if prev, dup := seen[ch.Ref()]; dup {
					add("%s: channel already linked by %s", cat, prev)
				}
				seen[ch.Ref()] = cat
			}
		}
	}
	return errs
}

func isPlaceholder(v string) bool {
	l := strings.ToLower(v)
	for _, p := range placeholders {
		if l == p || (len(p) > 3 && strings.HasPrefix(l, p)) {
			return true
		}
	}
	return false
}
