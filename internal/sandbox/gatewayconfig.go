package sandbox

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// gatewayConfig writes the config with which `parley serve` runs the
// sandbox's gateway. Secrets are file: references into a 0700 directory
// beside it, never inline, and the gateway's own data directory (database,
// bus, keys) is separate from these fixtures.
type gatewayConfig struct {
	dataDir, listen, publicURL, adminListen string
	certFile, keyFile, caFile               string
	busURL, storeURL                        string
	busCAFile, busNKeySeedFile              string
	demos                                   []demo
	links                                   []ManifestLink
	tenants                                 []ManifestTenant
	alertSecret                             string // signs alerts to the stand-in SIEM
}

func (c gatewayConfig) write(path string, s *secrets, adminToken string) error {
	type ch struct {
		Platform  string `yaml:"platform"`
		Workspace string `yaml:"workspace"`
		Channel   string `yaml:"channel"`
	}
	type ws struct {
		Platform string `yaml:"platform"`
		ID       string `yaml:"id"`
		Name     string `yaml:"name"`
		BotToken string `yaml:"bot_token"`
	}
	adminRef, err := s.put("admin-token", adminToken)
	if err != nil {
		return err
	}
	alertRef, err := s.put("alert-webhook-secret", c.alertSecret)
	if err != nil {
		return err
	}
	doc := map[string]any{
		"data_dir": c.dataDir,
		"public":   map[string]any{"listen": c.listen, "url": c.publicURL, "cert_file": c.certFile, "key_file": c.keyFile},
		"tls":      map[string]any{"ca_file": c.caFile},
		// Every emulated platform is on 127.0.0.1.
		"egress": map[string]any{"allow_private_addresses": true},
		"bus":    c.bus(),
	}
	var signIn []any
	workspaces := map[string][]ws{}
	roles := map[string][]any{}
	for _, d := range c.demos {
		doc[string(d.p.Name)] = d.Settings
		if p := d.SignIn; p != nil {
			ref, err := s.put("signin-"+p.Name+"-client-secret", p.ClientSecret)
			if err != nil {
				return err
			}
			signIn = append(signIn, map[string]any{"name": p.Name, "issuer": p.Issuer, "client_id": p.ClientID, "client_secret": ref, "trust_email_claim": p.TrustEmailClaim})
		}
		for _, w := range d.Workspaces {
			ref := ""
			if w.BotToken != "" {
				if ref, err = s.put(string(d.p.Name)+"-"+w.ID+"-bot-token", w.BotToken); err != nil {
					return err
				}
			}
			workspaces[w.Tenant] = append(workspaces[w.Tenant], ws{Platform: string(d.p.Name), ID: w.ID, Name: w.Name, BotToken: ref})
		}
	}
	doc["admin"] = map[string]any{"listen": c.adminListen, "token": adminRef, "sign_in": signIn, "alert_webhook_secret": alertRef}
	for _, d := range c.demos {
		for _, p := range d.People {
			roles[p.Tenant] = append(roles[p.Tenant], map[string]any{"email": p.Email, "role": p.Role, "provider": string(d.p.Name)})
		}
	}
	var tenants []any
	for _, t := range c.tenants {
		var links []any
		for _, l := range c.links {
			if l.Tenant != t.ID {
				continue
			}
			var channels []ch
			for _, x := range l.Channels {
				channels = append(channels, ch{x.Platform, x.Workspace, x.Channel})
			}
			links = append(links, map[string]any{"id": l.ID, "name": l.Name, "channels": channels})
		}
		tenants = append(tenants, map[string]any{"id": t.ID, "name": t.Name, "workspaces": workspaces[t.ID], "links": links, "roles": roles[t.ID]})
	}
	doc["tenants"] = tenants
	if c.storeURL != "" {
		ref, err := s.put("store-url", c.storeURL)
		if err != nil {
			return err
		}
		doc["store"] = map[string]any{"driver": "postgres", "url": ref}
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		return err
	}
	header := "# Written by `parley sandbox`; run with: parley serve --config " + filepath.Base(path) + "\n"
	return os.WriteFile(path, append([]byte(header), b...), 0o600)
}

// bus is the bus section: embedded by default, or the external NATS a test
// names, with its CA and credentials when given.
func (c gatewayConfig) bus() map[string]any {
	b := map[string]any{"url": c.busURL}
	if c.busCAFile != "" {
		b["ca_file"] = c.busCAFile
	}
	if c.busNKeySeedFile != "" {
		b["nkey_seed"] = "file:" + c.busNKeySeedFile
	}
	return b
}

// secrets writes sandbox secrets as files that the config references.
type secrets struct{ dir string }

func newSecrets(dir string) *secrets { return &secrets{dir: dir} }

func (s *secrets) put(name, value string) (string, error) {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return "", err
	}
	p := filepath.Join(s.dir, name)
	if err := os.WriteFile(p, []byte(value), 0o600); err != nil {
		return "", fmt.Errorf("sandbox secret: %w", err)
	}
	return "file:" + p, nil
}

// writeLeaf writes the sandbox's server certificate and key as PEM files.
func writeLeaf(dir string, leaf tls.Certificate) (certFile, keyFile string, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", err
	}
	var certPEM []byte
	for _, der := range leaf.Certificate {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(leaf.PrivateKey)
	if err != nil {
		return "", "", err
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}
