package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"parley/internal/core"
	"parley/internal/platform"
	"parley/internal/platform/builtin"
	"parley/internal/secret"
)

// Sections holds each platform's section of the file, keyed by platform
// name. Which keys exist, and what each holds, is
// declared by the platforms themselves (platform.Setting); config only
// decodes them, as strictly as the rest of the file.
type Sections map[string]*Section

// Section is one platform's settings, with defaults applied. It
// implements platform.Settings.
type Section struct {
	node    *yaml.Node
	strings map[string]string
	lists   map[string][]string
	secrets map[string]SecretRef
	// order keeps the declared order for printing.
	order []string
}

var _ platform.Settings = (*Section)(nil)

// UnmarshalYAML keeps the node: what it may hold is known only once the
// section's platform is.
func (s *Section) UnmarshalYAML(n *yaml.Node) error {
	s.node = n
	return nil
}

// MarshalYAML prints the settings, secrets as their references only.
func (s *Section) MarshalYAML() (any, error) {
	out := yaml.Node{Kind: yaml.MappingNode}
	for _, k := range s.order {
		var v any = s.strings[k]
		if l, ok := s.lists[k]; ok {
			v = l
		} else if r, ok := s.secrets[k]; ok {
			v = r
		}
		var val yaml.Node
		if err := val.Encode(v); err != nil {
			return nil, err
		}
		out.Content = append(out.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, &val)
	}
	return &out, nil
}

// String returns a string setting.
func (s *Section) String(key string) string { return s.strings[key] }

// List returns a list setting; nil when unset.
func (s *Section) List(key string) []string { return s.lists[key] }

// Secret returns a secret setting's value.
func (s *Section) Secret(key string) secret.Secret { return s.secrets[key].Value }

// Platforms is the registry config decodes against: the built-in list.
// A test may swap it.
var Platforms = builtin.All

// Platform returns the settings of the platform named name (empty, with
// defaults, when the file has no section for it).
func (c *Config) Platform(name core.Platform) *Section {
	if s := c.Platforms[string(name)]; s != nil {
		return s
	}
	return &Section{}
}

// Enabled reports whether p runs: its switching setting has a value, or a
// configured workspace is on it.
func (c *Config) Enabled(p platform.Platform) bool {
	s := c.Platform(p.Name)
	if s.String(p.EnabledBy) != "" || !s.Secret(p.EnabledBy).IsZero() {
		return true
	}
	for _, t := range c.Tenants {
		for _, w := range t.Workspaces {
			if w.Platform == p.Name {
				return true
			}
		}
	}
	return false
}

// decodePlatforms decodes every platform section against its platform's
// declared settings. keyLines gives the line of each top-level key, so that
// an unknown one is reported where it is written.
func (c *Config) decodePlatforms(ps []platform.Platform, keyLines map[string]int) error {
	var errs []string
	names := make([]string, 0, len(c.Platforms))
	for name := range c.Platforms {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return keyLines[names[i]] < keyLines[names[j]] })
	for _, name := range names {
		p, ok := platform.Find(ps, core.Platform(name))
		if !ok {
			errs = append(errs, fmt.Sprintf("line %d: unknown key %s", keyLines[name], name))
			continue
		}
		if err := c.Platforms[name].decode(p); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if c.Platforms == nil {
		c.Platforms = Sections{}
	}
	for _, p := range ps {
		if c.Platforms[string(p.Name)] == nil {
			s := &Section{}
			_ = s.decode(p)
			c.Platforms[string(p.Name)] = s
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// decode fills the section from its node, refusing keys p does not
// declare and values of the wrong shape, each error naming its line.
func (s *Section) decode(p platform.Platform) error {
	s.strings, s.lists, s.secrets, s.order = map[string]string{}, map[string][]string{}, map[string]SecretRef{}, nil
	for _, st := range p.Settings {
		s.order = append(s.order, st.Key)
	}
	n := s.node
	if n == nil || n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: %s must be a mapping of settings", n.Line, p.Name)
	}
	var errs []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		st, ok := p.Setting(k.Value)
		if !ok {
			errs = append(errs, fmt.Sprintf("line %d: unknown key %s", k.Line, k.Value))
			continue
		}
		var err error
		switch st.Kind {
		case platform.String:
			var x string
			if err = v.Decode(&x); err == nil {
				s.strings[st.Key] = x
			}
		case platform.List:
			var x []string
			if err = v.Decode(&x); err == nil {
				s.lists[st.Key] = x
			}
		case platform.Secret:
			var x SecretRef
			if err = x.UnmarshalYAML(v); err == nil {
				s.secrets[st.Key] = x
			}
		}
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "line ") {
				msg = fmt.Sprintf("line %d: %s.%s: %s", v.Line, p.Name, st.Key, strings.TrimPrefix(msg, "yaml: "))
			}
			errs = append(errs, msg)
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// applyPlatformEnv applies PARLEY_<PLATFORM>_<KEY> to string and secret
// settings: the platform's name and the key in capitals, so signing_secret
// of a platform "chat" is PARLEY_CHAT_SIGNING_SECRET.
func (c *Config) applyPlatformEnv(ps []platform.Platform, lookup func(string) (string, bool)) error {
	for _, p := range ps {
		s := c.Platform(p.Name)
		for _, st := range p.Settings {
			name := EnvName(p.Name, st.Key)
			v, ok := lookup(name)
			if !ok {
				continue
			}
			switch st.Kind {
			case platform.String:
				s.strings[st.Key] = v
			case platform.Secret:
				r, err := ResolveSecret("env:" + name)
				if err != nil {
					return err
				}
				s.secrets[st.Key] = r
			}
		}
	}
	return nil
}

// EnvName is the environment variable that overrides a platform setting.
func EnvName(p core.Platform, key string) string {
	return "PARLEY_" + strings.ToUpper(string(p)) + "_" + strings.ToUpper(key)
}

func (c *Config) applyPlatformDefaults(ps []platform.Platform) {
	for _, p := range ps {
		s := c.Platform(p.Name)
		for _, st := range p.Settings {
			if st.Kind == platform.String && st.Default != "" && s.strings[st.Key] == "" {
				s.strings[st.Key] = st.Default
			}
		}
	}
}

// validatePlatforms runs each enabled platform's own validation and
// refuses placeholder secrets.
func (c *Config) validatePlatforms(ps []platform.Platform) []error {
	var errs []error
	for _, p := range ps {
		s := c.Platform(p.Name)
		for _, st := range p.Settings {
			if st.Kind == platform.Secret && isPlaceholder(s.Secret(st.Key).Reveal()) {
				errs = append(errs, fmt.Errorf("%s.%s: looks like a placeholder; set the real value", p.Name, st.Key))
			}
		}
		if c.Enabled(p) && p.Validate != nil {
			if err := p.Validate(s); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}

// platformNames lists the registered platforms for error messages.
func platformNames(ps []platform.Platform) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = string(p.Name)
	}
	return strings.Join(names, ", ")
}
