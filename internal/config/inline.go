package config

import "fmt"

// InlineSecrets names the secrets written into the file itself rather than
// referenced, so that `parley serve` can warn: a config file is copied,
// committed and pasted far more often than an environment is.
func (c *Config) InlineSecrets() []string {
	var names []string
	check := func(name string, s SecretRef) {
		if s.Inline() {
			names = append(names, name)
		}
	}
	check("admin.token", c.Admin.Token)
	for _, p := range Platforms() {
		for _, st := range p.Settings {
			if r, ok := c.Platform(p.Name).secrets[st.Key]; ok {
				check(string(p.Name)+"."+st.Key, r)
			}
		}
	}
	check("bus.creds", c.Bus.Creds)
	check("bus.nkey_seed", c.Bus.NKeySeed)
	// A store URL is a secret only for the password it may carry.
	if c.Store.URL.Inline() && urlHasPassword(c.Store.URL.Value.Reveal()) {
		names = append(names, "store.url (it carries a password)")
	}
	for i, p := range c.Admin.SignIn {
		check(fmt.Sprintf("admin.sign_in[%d].client_secret", i), p.ClientSecret)
	}
	for i, t := range c.Tenants {
		for j, w := range t.Workspaces {
			check(fmt.Sprintf("tenants[%d].workspaces[%d].bot_token", i, j), w.BotToken)
		}
	}
	return names
}
