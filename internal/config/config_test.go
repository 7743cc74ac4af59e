package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const valid = `
data_dir: data
public:
  listen: 127.0.0.1:0
  cert_file: cert.pem
  key_file: key.pem
admin:
  token: env:TEST_ADMIN_TOKEN
slack:
  signing_secret: env:TEST_SIGNING
  api_url: https://127.0.0.1:9999/api/
tenants:
  - id: demo
    name: Demo
    workspaces:
      - {platform: slack, id: T1, name: acme, bot_token: env:TEST_BOT}
      - {platform: slack, id: T2, name: globex, bot_token: "xoxb-inline-value"}
    links:
      - id: general
        channels:
          - {platform: slack, workspace: T1, channel: C1}
          - {platform: slack, workspace: T2, channel: C2}
`

func setEnv(t *testing.T) {
	t.Setenv("TEST_ADMIN_TOKEN", "admin-token-value")
	t.Setenv("TEST_SIGNING", "signing-secret-value")
	t.Setenv("TEST_BOT", "xoxb-env-value")
}

func TestParseValid(t *testing.T) {
	setEnv(t)
	c, err := Parse([]byte(valid), "/etc/parley")
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/etc/parley/data" || c.Public.CertFile != "/etc/parley/cert.pem" {
		t.Errorf("relative paths not resolved: %q %q", c.DataDir, c.Public.CertFile)
	}
	if c.Relay.MessageMapTTL != 7*24*time.Hour || c.Bus.MaxAge != 24*time.Hour {
		t.Errorf("defaults not applied: %+v %+v", c.Relay, c.Bus)
	}
	if got := c.Tenants[0].Workspaces[0].BotToken.Value.Reveal(); got != "xoxb-env-value" {
		t.Errorf("env secret = %q", got)
	}
	if got := c.InlineSecrets(); len(got) != 1 || got[0] != "tenants[0].workspaces[1].bot_token" {
		t.Errorf("InlineSecrets = %v", got)
	}
	if c.Egress.AllowPrivateAddresses {
		t.Error("private addresses allowed by default")
	}
	if c.Keys.KEKURL != "file:///etc/parley/data/kek.json" {
		t.Errorf("KEK URL default = %q", c.Keys.KEKURL)
	}
}

func TestParseErrors(t *testing.T) {
	setEnv(t)
	tests := []struct {
		name, doc, want string
	}{
		{"unknown key names key and line", strings.Replace(valid, "  api_url:", "  api_ur1:", 1), "line 11: unknown key api_ur1"},
		{"unknown top-level key", valid + "bogus: 1\n", "unknown key bogus"},
		{"unset env secret", strings.Replace(valid, "env:TEST_BOT", "env:NOPE_NOT_SET", 1), "NOPE_NOT_SET is not set"},
		{"placeholder", strings.Replace(valid, "env:TEST_SIGNING", "changeme", 1), "slack.signing_secret: looks like a placeholder"},
		{"plain http api", strings.Replace(valid, "https://127.0.0.1:9999/api/", "http://127.0.0.1:9999/api/", 1), "slack: api_url"},
		{"link to unknown workspace", strings.Replace(valid, "workspace: T2, channel: C2", "workspace: T3, channel: C2", 1), "tenants[0].links[0].channels[1]: workspace slack/T3"},
		{"no certificate", strings.Replace(valid, "  cert_file: cert.pem\n  key_file: key.pem\n", "", 1), "HTTPS only"},
		{"bad level", valid + "log: {level: loud}\n", "log.level"},
		{"wrong type", valid + "bus: {max_age: [1]}\n", "line"},
		// A workspace under two tenants: both places are named.
		{"workspace under two tenants", valid + `  - id: other
    workspaces:
      - {platform: slack, id: T2, name: mine, bot_token: env:TEST_BOT}
`, `tenants[1].workspaces[0]: workspace slack/T2 is also listed at tenants[0].workspaces[1] (tenant "demo")`},
		{"workspace twice in a tenant", strings.Replace(valid, "id: T2, name: globex", "id: T1, name: globex", 1), "tenants[0].workspaces[1]: workspace slack/T1 is also listed at tenants[0].workspaces[0]"},
		{"file host as URL", strings.Replace(valid, "  api_url: https://127.0.0.1:9999/api/\n", "  api_url: https://127.0.0.1:9999/api/\n  file_hosts: [files.slack.com, \"https://evil.example/\"]\n", 1), "slack: file_hosts"},
		{"platform setting of the wrong type", strings.Replace(valid, "  api_url: https://127.0.0.1:9999/api/\n", "  api_url: https://127.0.0.1:9999/api/\n  file_hosts: {a: b}\n", 1), "line 12: slack.file_hosts"},
		{"secret of the wrong type", strings.Replace(valid, "signing_secret: env:TEST_SIGNING", "signing_secret: [1]", 1), "line 10: a secret must be a string"},
		{"platform section not a mapping", valid + "webex: 1\n", "webex must be a mapping"},
		{"unknown platform names its line", strings.Replace(valid, "slack:\n", "slak:\n", 1), "line 9: unknown key slak"},
		// The platform's own Config.Validate is the one validation.
		{"teams validated by its connector", valid + "teams: {app_id: bot}\n", "teams: app_secret is required"},
		{"workspace of an unregistered platform", strings.Replace(valid, "{platform: slack, id: T2,", "{platform: irc, id: T2,", 1), `"irc" is not supported (slack, teams, gchat, webex)`},
		{"slack workspace without a signing secret", strings.Replace(valid, "  signing_secret: env:TEST_SIGNING\n", "", 1), "slack: signing_secret is required"},
		{"egress misspelt", valid + "egress: {allow_private: true}\n", "unknown key allow_private"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc), "/x")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEnvOverridesAndFileSecret(t *testing.T) {
	setEnv(t)
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "admin")
	if err := os.WriteFile(secretFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PARLEY_PUBLIC_LISTEN", "127.0.0.1:7443")
	doc := strings.Replace(valid, "env:TEST_ADMIN_TOKEN", "file:"+secretFile, 1)
	path := filepath.Join(dir, "parley.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Public.Listen != "127.0.0.1:7443" {
		t.Errorf("env override ignored: %q", c.Public.Listen)
	}
	if c.Admin.Token.Value.Reveal() != "from-file" {
		t.Errorf("file secret = %q", c.Admin.Token.Value.Reveal())
	}
}

func TestPlatformSettings(t *testing.T) {
	setEnv(t)
	t.Setenv("PARLEY_TEAMS_GRAPH_URL", "https://graph.example/v1.0/")
	c, err := Parse([]byte(valid+"webex: {webhook_secret: hook-secret-value}\n"), "/x")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Platform("slack").String("api_url"); got != "https://127.0.0.1:9999/api/" {
		t.Errorf("slack api_url = %q", got)
	}
	if got := c.Platform("webex").String("api_url"); got != "https://webexapis.com/v1/" {
		t.Errorf("webex api_url default = %q", got)
	}
	if got := c.Platform("teams").String("graph_url"); got != "https://graph.example/v1.0/" {
		t.Errorf("env override of teams graph_url = %q", got)
	}
	if got := c.Platform("slack").Secret("signing_secret").Reveal(); got != "signing-secret-value" {
		t.Errorf("slack signing_secret = %q", got)
	}
	if got := c.InlineSecrets(); len(got) != 2 || got[0] != "webex.webhook_secret" {
		t.Errorf("InlineSecrets = %v", got)
	}
	enabled := map[string]bool{}
	for _, p := range Platforms() {
		enabled[string(p.Name)] = c.Enabled(p)
	}
	if !enabled["slack"] || !enabled["webex"] || enabled["teams"] || enabled["gchat"] {
		t.Errorf("enabled = %v, want slack and webex", enabled)
	}
	if out := fmtAll(c); strings.Contains(out, "hook-secret-value") || !strings.Contains(out, "env:TEST_SIGNING") {
		t.Errorf("printed config shows an inline secret or hides a reference:\n%s", out)
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	setEnv(t)
	c, err := Parse([]byte(valid), "/x")
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Join([]string{
		fmtAll(c),
	}, "")
	for _, s := range []string{"admin-token-value", "signing-secret-value", "xoxb-env-value", "xoxb-inline-value"} {
		if strings.Contains(out, s) {
			t.Errorf("secret %q printed", s)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte("tenants: [{id: x, links: [{channels: [{}]}]}]"))
	f.Add([]byte("{"))
	f.Add([]byte(valid + "teams: {app_id: a, app_secret: s, file_hosts: [x]}\ngchat: [1]\nwebex: ~\n"))
	f.Add([]byte("slack: {signing_secret: {a: b}, nope: 1}\nzoom: {}\n"))
	f.Add([]byte(valid + "bus: {url: 'nats://10.0.0.5:4222,tls://x', ca_file: a, allow_plaintext: true}\n"))
	f.Add([]byte(valid + "store: {driver: postgres, url: 'postgres://u:p@db:5432/x?sslmode=verify-full&sslrootcert=system', pool: {max_conns: 4}}\n"))
	f.Add([]byte(valid + "store: {driver: postgres, url: 'host=db sslmode=disable', allow_plaintext: true}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Parse(b, "/x") // must not panic
	})
}
