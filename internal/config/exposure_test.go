package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// strongToken is what the README tells an operator to generate.
func strongToken(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestBusSettings(t *testing.T) {
	setEnv(t)
	dir := t.TempDir()
	credsFile := filepath.Join(dir, "parley.creds")
	if err := os.WriteFile(credsFile, []byte("-----BEGIN NATS USER JWT-----\nx\n------END NATS USER JWT------\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEST_NKEY_SEED", "SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY")
	tests := []struct {
		name, bus string
		env       map[string]string
		want      string // empty: valid
	}{
		{name: "embedded", bus: "{}"},
		{name: "plaintext to loopback", bus: "{url: nats://127.0.0.1:4222}"},
		{name: "tls with creds", bus: "{url: tls://nats.example.com:4222, ca_file: nats-ca.pem, creds: file:" + credsFile + "}"},
		{name: "tls with mutual TLS", bus: "{url: tls://nats.example.com:4222, cert_file: c.pem, key_file: k.pem}"},
		{name: "tls with nkey", bus: "{url: tls://nats.example.com:4222, nkey_seed: env:TEST_NKEY_SEED}"},
		{name: "plaintext beyond loopback allowed", bus: "{url: nats://10.0.0.5:4222, allow_plaintext: true}"},
		{name: "plaintext beyond loopback", bus: "{url: nats://10.0.0.5:4222}", want: "bus.url: nats:// to 10.0.0.5 (not loopback)"},
		{name: "plaintext names the fix", bus: "{url: nats://nats.example.com:4222}", want: "set bus.allow_plaintext: true"},
		{name: "plaintext from the environment", bus: "{}", env: map[string]string{"PARLEY_BUS_URL": "nats://nats.example.com:4222"}, want: "bus.url: nats:// to nats.example.com"},
		{name: "one plaintext server of several", bus: "{url: 'nats://127.0.0.1:4222,nats://10.0.0.6:4222'}", want: "10.0.0.6"},
		{name: "mixed schemes", bus: "{url: 'tls://a.example.com:4222,nats://127.0.0.1:4222'}", want: "mixes TLS"},
		{name: "ca for plaintext", bus: "{url: nats://127.0.0.1:4222, ca_file: ca.pem}", want: "need a tls:// bus.url"},
		{name: "cert without key", bus: "{url: tls://nats.example.com:4222, cert_file: c.pem}", want: "bus: cert_file and key_file go together"},
		{name: "two credentials", bus: "{url: tls://nats.example.com:4222, creds: file:" + credsFile + ", nkey_seed: env:TEST_NKEY_SEED}", want: "give one"},
		{name: "credentials without url", bus: "{nkey_seed: env:TEST_NKEY_SEED}", want: "set bus.url"},
		{name: "unknown key", bus: "{url: nats://127.0.0.1:4222, allow_plaintxt: true}", want: "unknown key allow_plaintxt"},
		{name: "not a bool", bus: "{url: nats://10.0.0.5:4222, allow_plaintext: sometimes}", want: "line"},
		{name: "unset secret", bus: "{url: tls://nats.example.com:4222, nkey_seed: env:NOPE_NOT_SET}", want: "NOPE_NOT_SET is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := Parse([]byte(valid+"bus: "+tt.bus+"\n"), "/etc/parley")
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if c.Bus.CAFile != "" && c.Bus.CAFile != "/etc/parley/nats-ca.pem" {
					t.Errorf("bus.ca_file not resolved against the config's directory: %q", c.Bus.CAFile)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestBusSecretsAreReferences(t *testing.T) {
	setEnv(t)
	t.Setenv("TEST_NKEY_SEED", "SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY")
	c, err := Parse([]byte(valid+"bus: {url: tls://nats.example.com:4222, nkey_seed: env:TEST_NKEY_SEED}\n"), "/x")
	if err != nil {
		t.Fatal(err)
	}
	if c.Bus.NKeySeed.Value.Reveal() != "SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY" {
		t.Error("nkey_seed not resolved from the environment")
	}
	if strings.Contains(fmtAll(c), "SUAKYRHV") {
		t.Error("nkey seed printed")
	}
	c, err = Parse([]byte(valid+"bus: {url: tls://nats.example.com:4222, nkey_seed: SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY}\n"), "/x")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.InlineSecrets(), ","); !strings.Contains(got, "bus.nkey_seed") {
		t.Errorf("InlineSecrets = %s, want bus.nkey_seed among them", got)
	}
}

// withAdmin replaces doc's admin section with the flow mapping admin.
func withAdmin(doc, admin string) string {
	const section = "admin:\n  token: env:TEST_ADMIN_TOKEN\n"
	if !strings.Contains(doc, section) {
		panic("test config has no admin section")
	}
	return strings.Replace(doc, section, "admin: "+admin+"\n", 1)
}

func TestAdminExposure(t *testing.T) {
	setEnv(t) // admin token "admin-token-value": fine on loopback only
	strong := strongToken(t)
	noCert := strings.Replace(valid, "  cert_file: cert.pem\n  key_file: key.pem\n", "", 1)
	tests := []struct {
		name, doc, token string
		env              map[string]string
		want             string // empty: valid
	}{
		{name: "default loopback, short token", doc: valid},
		{name: "loopback IPv6, short token", doc: withAdmin(valid, "{listen: '[::1]:8444', token: env:TEST_ADMIN_TOKEN}")},
		{name: "localhost, short token", doc: withAdmin(valid, "{listen: 'localhost:8444', token: env:TEST_ADMIN_TOKEN}")},
		{name: "all interfaces, strong token", doc: withAdmin(valid, "{listen: ':8444', token: env:TEST_ADMIN_TOKEN}"), token: strong},
		{name: "own certificate, strong token", doc: withAdmin(valid, "{listen: '10.1.2.3:8444', cert_file: a.pem, key_file: a.key, token: env:TEST_ADMIN_TOKEN}"), token: strong},
		{name: "all interfaces, short token", doc: withAdmin(valid, "{listen: ':8444', token: env:TEST_ADMIN_TOKEN}"),
			want: `admin.listen ":8444" is reachable from other machines, so admin.token must be a strong credential, but it has 17 characters, fewer than 32: generate one with` + " `openssl rand -base64 32`"},
		{name: "wildcard address", doc: withAdmin(valid, "{listen: '0.0.0.0:8444', token: env:TEST_ADMIN_TOKEN}"), want: "fewer than 32"},
		{name: "a name is not loopback", doc: withAdmin(valid, "{listen: 'admin.internal:8444', token: env:TEST_ADMIN_TOKEN}"), want: "admin.token must be a strong credential"},
		{name: "from the environment", doc: valid, env: map[string]string{"PARLEY_ADMIN_LISTEN": "0.0.0.0:8444"}, want: "admin.token must be a strong credential"},
		{name: "placeholder", doc: withAdmin(valid, "{listen: ':8444', token: env:TEST_ADMIN_TOKEN}"), token: "changeme-changeme-changeme-changeme", want: "looks like a placeholder"},
		{name: "chosen word", doc: withAdmin(valid, "{listen: ':8444', token: env:TEST_ADMIN_TOKEN}"), token: "Xq7#MyCompanyAdminPassword!2024zz", want: `contains "password"`},
		{name: "sequence", doc: withAdmin(valid, "{listen: ':8444', token: env:TEST_ADMIN_TOKEN}"), token: "abcdefghijklmnopqrstuvwxyz0123456789", want: "too predictable"},
		{name: "repeated pattern", doc: withAdmin(valid, "{listen: ':8444', token: env:TEST_ADMIN_TOKEN}"), token: "Summer2024!Summer2024!Summer2024!", want: "too predictable"},
		{name: "one character", doc: withAdmin(valid, "{listen: ':8444', token: env:TEST_ADMIN_TOKEN}"), token: strings.Repeat("z", 64), want: "too predictable"},
		{name: "no TLS", doc: withAdmin(noCert, "{listen: ':8444', token: env:TEST_ADMIN_TOKEN}"), token: strong,
			want: `admin.listen ":8444" is reachable from other machines, so it must serve TLS: set admin.cert_file and admin.key_file`},
		{name: "admin cert without key", doc: withAdmin(valid, "{listen: '127.0.0.1:8444', cert_file: a.pem, token: env:TEST_ADMIN_TOKEN}"), want: "admin: cert_file and key_file go together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.token != "" {
				t.Setenv("TEST_ADMIN_TOKEN", tt.token)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := Parse([]byte(tt.doc), "/x")
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if tt.token != "" && strings.Contains(err.Error(), tt.token) {
				t.Errorf("error quotes the token: %v", err)
			}
		})
	}
}

// What a generator prints passes, every time: the estimate is
// conservative but not so much that an operator's fresh token is refused.
func TestGeneratedTokensAreStrong(t *testing.T) {
	for i := range 2000 {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		b64 := base64.StdEncoding.EncodeToString(b)
		// A random token may hold a word by chance; what is left is
		// still random.
		withWord := b64[:10] + "Token" + b64[10:]
		for _, tok := range []string{b64, hex.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b), withWord} {
			if why := weakToken(tok); why != "" {
				t.Fatalf("generated token %d refused: it %s", i, why)
			}
		}
	}
}
