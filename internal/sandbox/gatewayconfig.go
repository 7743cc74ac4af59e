package sandbox

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	gchatemu "parley/internal/emulator/gchat"
	teamsemu "parley/internal/emulator/teams"
)

// gatewayConfig writes the config with which `parley serve` runs the
// sandbox's gateway. Secrets are file: references into a 0700 directory
// beside it, never inline, and the gateway's own data directory (database,
// bus, keys) is separate from these fixtures.
type gatewayConfig struct {
	dataDir, listen, publicURL, adminListen string
	certFile, keyFile, caFile               string
	slackAPI, webexAPI, busURL, storeURL    string
	busCAFile, busNKeySeedFile              string
	demo                                    *slackDemo
	teams                                   *teamsDemo
	teamsEmu                                *teamsemu.Emulator
	gchat                                   *gchatDemo
	gchatEmu                                *gchatemu.Emulator
	webex                                   *webexDemo
	hooli                                   *hooliDemo
	signIn                                  []signInClient
}

func (c gatewayConfig) write(path string, s *secrets, signing, adminToken string) error {
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
	var workspaces []ws
	for _, w := range c.demo.workspaces {
		ref, err := s.put("slack-"+w.ID+"-bot-token", c.demo.bots[w.ID])
		if err != nil {
			return err
		}
		workspaces = append(workspaces, ws{Platform: "slack", ID: w.ID, Name: w.Name, BotToken: ref})
	}
	var links []any
	for _, l := range c.demo.links {
		var channels []ch
		for _, c := range l.Channels {
			channels = append(channels, ch{c.Platform, c.Workspace, c.Channel})
		}
		links = append(links, map[string]any{"id": l.ID, "name": l.Name, "channels": channels})
	}
	workspaces = append(workspaces, ws{Platform: "teams", ID: c.teams.tenant.ID, Name: "contoso"})
	teamsSecretRef, err := s.put("teams-app-secret", c.teams.appSecret)
	if err != nil {
		return err
	}
	relayRef, err := s.put("gchat-relay-token", c.gchat.relayToken)
	if err != nil {
		return err
	}
	workspaces = append(workspaces, ws{Platform: "gchat", ID: c.gchat.domain.Name, Name: "initech", BotToken: relayRef})
	webexRef, err := s.put("webex-service-token", c.webex.serviceToken)
	if err != nil {
		return err
	}
	workspaces = append(workspaces, ws{Platform: "webex", ID: c.webex.org.ID, Name: "umbrella", BotToken: webexRef})
	saKeyRef, err := s.put("gchat-service-account.json", string(c.gchat.app.ServiceAccountKeyJSON))
	if err != nil {
		return err
	}
	webhookRef, err := s.put("webex-webhook-secret", randomHex(24))
	if err != nil {
		return err
	}
	signingRef, err := s.put("slack-signing-secret", signing)
	if err != nil {
		return err
	}
	adminRef, err := s.put("admin-token", adminToken)
	if err != nil {
		return err
	}
	var signIn []any
	for _, p := range c.signIn {
		ref, err := s.put("signin-"+p.name+"-client-secret", p.secret)
		if err != nil {
			return err
		}
		signIn = append(signIn, map[string]any{"name": p.name, "issuer": p.issuer, "client_id": p.clientID, "client_secret": ref, "trust_email_claim": p.trustEmail})
	}
	roles := func(tenant string) []any {
		var out []any
		for _, p := range adminPeople {
			if p.tenant == tenant {
				out = append(out, map[string]any{"email": p.email, "role": p.role, "provider": p.platform})
			}
		}
		return out
	}
	var hooliWS []ws
	for _, w := range c.hooli.workspaces {
		ref, err := s.put("slack-"+w.ID+"-bot-token", c.hooli.bots[w.ID])
		if err != nil {
			return err
		}
		hooliWS = append(hooliWS, ws{Platform: "slack", ID: w.ID, Name: w.Name, BotToken: ref})
	}
	var hooliChannels []ch
	for _, x := range c.hooli.link.Channels {
		hooliChannels = append(hooliChannels, ch{x.Platform, x.Workspace, x.Channel})
	}
	hooliTenantDoc := map[string]any{
		"id": hooliTenant, "name": "Hooli and Pied Piper", "workspaces": hooliWS,
		"links": []any{map[string]any{"id": c.hooli.link.ID, "name": c.hooli.link.Name, "channels": hooliChannels}},
		"roles": roles(hooliTenant),
	}
	doc := map[string]any{
		"data_dir": c.dataDir,
		"public":   map[string]any{"listen": c.listen, "url": c.publicURL, "cert_file": c.certFile, "key_file": c.keyFile},
		"admin":    map[string]any{"listen": c.adminListen, "token": adminRef, "sign_in": signIn},
		"tls":      map[string]any{"ca_file": c.caFile},
		// Every emulated platform is on 127.0.0.1.
		"egress": map[string]any{"allow_private_addresses": true},
		"bus":    c.bus(),
		"slack":  map[string]any{"signing_secret": signingRef, "api_url": c.slackAPI},
		"teams": map[string]any{
			"app_id": c.teams.appID, "app_secret": teamsSecretRef, "tenant_id": c.teams.tenant.ID,
			"openid_metadata_url": c.teamsEmu.OpenIDMetadataURL(), "token_url": c.teamsEmu.TokenURL("{tenant}"),
			"graph_url": c.teamsEmu.GraphURL(), "service_url": c.teamsEmu.ServiceURL(),
		},
		"gchat": map[string]any{
			"service_account_key": saKeyRef, "project_number": c.gchat.app.ProjectNumber,
			"push_audience": c.publicURL + "/gchat/pubsub", "push_service_account": c.gchat.app.PushServiceAccountEmail,
			"pubsub_topic": c.gchat.app.PubSubTopic, "api_url": c.gchatEmu.APIURL(), "events_api_url": c.gchatEmu.WorkspaceEventsURL(),
			"token_url": c.gchatEmu.TokenURL(), "chat_certs_url": c.gchatEmu.ChatCertsURL(), "oidc_jwks_url": c.gchatEmu.OIDCJWKSURL(),
		},
		"webex": map[string]any{"webhook_secret": webhookRef, "api_url": c.webexAPI},
		"tenants": []any{map[string]any{
			"id": demoTenant, "name": "Demo tenant",
			"workspaces": workspaces,
			"links":      links,
			"roles":      roles(demoTenant),
		}, hooliTenantDoc},
	}
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
