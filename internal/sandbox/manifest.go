package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"parley/internal/platform"
)

// Manifest is the contract in SANDBOX.md. Field names are binding.
type Manifest struct {
	CAFile        string            `json:"ca_file"`
	Gateway       ManifestGateway   `json:"gateway"`
	GatewayConfig string            `json:"gateway_config"`
	UIURL         string            `json:"ui_url"`
	Platforms     ManifestPlatforms `json:"platforms"`
	Links         []ManifestLink    `json:"links"`
	Tenants       []ManifestTenant  `json:"tenants"`
	Admin         *ManifestAdmin    `json:"admin,omitempty"`
}

// ManifestTenant is one tenant and its links.
type ManifestTenant struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Links []string `json:"links"`
}

// ManifestAdmin says where the admin API is and who may use it.
type ManifestAdmin struct {
	APIURL     string        `json:"api_url"`
	OpenAPIURL string        `json:"openapi_url"`
	ConsoleURL string        `json:"console_url"`
	People     []AdminPerson `json:"people"`
	// AlertSink is a small HTTPS receiver standing in for a SIEM: use URL
	// as a policy's alert_webhook; ReceivedURL lists what it received.
	AlertSink *ManifestAlertSink `json:"alert_sink,omitempty"`
}

// ManifestAlertSink is the sandbox's stand-in SIEM.
type ManifestAlertSink struct {
	URL         string `json:"url"`
	ReceivedURL string `json:"received_url"`
}

// AdminPerson is a demo person with a role in a tenant and a personal API
// token (absent with --no-gateway: no gateway runs to issue one).
type AdminPerson struct {
	Email    string `json:"email"`
	Tenant   string `json:"tenant"`
	Role     string `json:"role"`
	Token    string `json:"token,omitempty"`
	Platform string `json:"platform"`
}

// ManifestGateway says where the gateway is.
type ManifestGateway struct {
	PublicURL  string            `json:"public_url"`
	AdminURL   string            `json:"admin_url"`
	AdminToken string            `json:"admin_token"`
	Inbound    map[string]string `json:"inbound"`
}

// ManifestPlatforms holds each emulated platform's section, keyed by the
// platform's name, in the registry's order. What a section holds is the
// platform's to say (its emulator package's SandboxManifest); Decode reads
// one, and Client acts through one.
type ManifestPlatforms struct {
	names    []string
	sections map[string]json.RawMessage
}

func (p *ManifestPlatforms) set(name string, raw json.RawMessage) {
	if p.sections == nil {
		p.sections = map[string]json.RawMessage{}
	}
	if _, ok := p.sections[name]; !ok {
		p.names = append(p.names, name)
	}
	p.sections[name] = raw
}

// Names lists the platforms in the manifest.
func (p ManifestPlatforms) Names() []string { return append([]string(nil), p.names...) }

// Decode reads the section of the platform named name into out.
func (p ManifestPlatforms) Decode(name string, out any) error {
	raw, ok := p.sections[name]
	if !ok {
		return fmt.Errorf("manifest has no platform %q", name)
	}
	return json.Unmarshal(raw, out)
}

// MarshalJSON writes the sections in the registry's order.
func (p ManifestPlatforms) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, name := range p.names {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteByte(':')
		b.Write(p.sections[name])
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the sections in the file's order.
func (p *ManifestPlatforms) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("platforms: want an object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		p.set(t.(string), raw)
	}
	return nil
}

// Client returns the user-facing client of the platform named name, acting
// through this manifest's section with hc (which must trust ca_file).
func (m *Manifest) Client(name string, hc *http.Client) (platform.Client, error) {
	for _, p := range Platforms() {
		if string(p.Name) == name {
			raw, ok := m.Platforms.sections[name]
			if !ok {
				break
			}
			return p.Sandbox.Client(raw, hc)
		}
	}
	return nil, fmt.Errorf("manifest has no platform %q", name)
}

// Person is an emulated person and their user token.
type Person = platform.Person

// NamedChannel is a channel and its name.
type NamedChannel = platform.NamedChannel

// ManifestLink is one demo room.
type ManifestLink = platform.Link

// ManifestChannel is one channel of a room.
type ManifestChannel = platform.Channel

// write stores the manifest atomically: readers never see half a file.
func (m *Manifest) write(path string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".manifest-*")
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("manifest: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ReadManifest loads a manifest written by a sandbox.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	return &m, nil
}
