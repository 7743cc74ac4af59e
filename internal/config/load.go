package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// MaxFileSize bounds the config file; a larger one is certainly a mistake.
const MaxFileSize = 1 << 20

// Load reads, decodes strictly, applies environment overrides and
// defaults, and validates the file at path.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("config %s: larger than %d bytes", path, MaxFileSize)
	}
	c, err := Parse(b, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes a config document. Relative paths in it are resolved
// against dir. Unknown keys are errors that name the key and its line.
func Parse(b []byte, dir string) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, cleanYAMLError(err)
	}
	ps := Platforms()
	if err := c.decodePlatforms(ps, topLevelLines(b)); err != nil {
		return nil, err
	}
	if err := c.applyEnv(os.LookupEnv); err != nil {
		return nil, err
	}
	if err := c.applyPlatformEnv(ps, os.LookupEnv); err != nil {
		return nil, err
	}
	c.applyDefaults(dir)
	c.applyPlatformDefaults(ps)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// topLevelLines maps each top-level key of a document that decoded to its
// line.
func topLevelLines(b []byte) map[string]int {
	lines := map[string]int{}
	var doc yaml.Node
	if yaml.Unmarshal(b, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return lines
	}
	root := doc.Content[0].Content
	for i := 0; i+1 < len(root); i += 2 {
		lines[root[i].Value] = root[i].Line
	}
	return lines
}

// cleanYAMLError turns yaml.v3's "field x not found in type config.Bus"
// into "line 7: unknown key x", which is what a person needs to fix it.
func cleanYAMLError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, m := range te.Errors {
		if i := strings.Index(m, "field "); i >= 0 && strings.Contains(m, " not found in type ") {
			key := strings.SplitN(m[i+len("field "):], " ", 2)[0]
			m = m[:i] + "unknown key " + key
		}
		msgs = append(msgs, m)
	}
	return errors.New(strings.Join(msgs, "; "))
}

// applyEnv applies PARLEY_* environment overrides: they let a container set
// the common knobs without a file.
func (c *Config) applyEnv(lookup func(string) (string, bool)) error {
	str := map[string]*string{
		"PARLEY_DATA_DIR":      &c.DataDir,
		"PARLEY_PUBLIC_LISTEN": &c.Public.Listen,
		"PARLEY_PUBLIC_URL":    &c.Public.URL,
		"PARLEY_ADMIN_LISTEN":  &c.Admin.Listen,
		"PARLEY_KEK_URL":       &c.Keys.KEKURL,
		"PARLEY_BUS_URL":       &c.Bus.URL,
		"PARLEY_STORE_DRIVER":  &c.Store.Driver,
		"PARLEY_LOG_LEVEL":     &c.Log.Level,
		"PARLEY_TLS_CA_FILE":   &c.TLS.CAFile,
	}
	for name, p := range str {
		if v, ok := lookup(name); ok {
			*p = v
		}
	}
	secrets := map[string]*SecretRef{
		"PARLEY_ADMIN_TOKEN": &c.Admin.Token,
		"PARLEY_STORE_URL":   &c.Store.URL,
	}
	for name, p := range secrets {
		if _, ok := lookup(name); ok {
			r, err := ResolveSecret("env:" + name)
			if err != nil {
				return err
			}
			*p = r
		}
	}
	return nil
}

func (c *Config) applyDefaults(dir string) {
	if c.DataDir == "" {
		c.DataDir = "parley-data"
	}
	c.DataDir = abs(dir, c.DataDir)
	if c.Public.Listen == "" {
		c.Public.Listen = ":8443"
	}
	if c.Admin.Listen == "" {
		c.Admin.Listen = "127.0.0.1:8444"
	}
	for _, p := range []*string{&c.Public.CertFile, &c.Public.KeyFile, &c.Admin.CertFile, &c.Admin.KeyFile, &c.TLS.CAFile, &c.Store.Path, &c.Bus.CAFile, &c.Bus.CertFile, &c.Bus.KeyFile} {
		if *p != "" {
			*p = abs(dir, *p)
		}
	}
	if c.Keys.KEKURL == "" {
		c.Keys.KEKURL = "file://" + filepath.Join(c.DataDir, "kek.json")
	}
	if c.Bus.MaxAge == 0 {
		c.Bus.MaxAge = 24 * time.Hour
	}
	if c.Store.Driver == "" {
		c.Store.Driver = "sqlite"
	}
	if c.Store.Path == "" && c.Store.Driver == "sqlite" {
		c.Store.Path = filepath.Join(c.DataDir, "parley.db")
	}
	if c.Relay.MessageMapTTL == 0 {
		c.Relay.MessageMapTTL = 7 * 24 * time.Hour
	}
	if c.Relay.DeliveryTTL == 0 {
		c.Relay.DeliveryTTL = 24 * time.Hour
	}
	if c.Traffic.Retention == 0 {
		c.Traffic.Retention = 72 * time.Hour
	}
	c.Admin.applyDefaults()
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
}

func abs(dir, p string) string {
	if filepath.IsAbs(p) || dir == "" {
		return p
	}
	return filepath.Join(dir, p)
}
