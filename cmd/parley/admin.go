package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"parley/internal/admin"
	"parley/internal/adminclient"
	"parley/internal/config"
	"parley/internal/store/sqlite"
	"parley/internal/tlsconf"
	"parley/internal/vault"
)

const adminUsage = `parley admin — drive the admin API with a personal API token

Usage: parley admin [--url URL] [--token env:NAME|file:/path] [--ca-file FILE] GROUP VERB [flags]

  links list --tenant T
  links create --tenant T [--id ID] --name NAME --channel PLATFORM:WORKSPACE:CHANNEL --channel …
  links update --tenant T --id ID [--name NAME] [--channel …]
  links delete --tenant T --id ID
  workspaces list --tenant T
  workspaces disconnect --tenant T --platform P --id WORKSPACE
  roles list --tenant T
  roles assign --tenant T --email E --role R [--provider P]
  roles change --tenant T --email E --role R
  roles revoke --tenant T --email E
  audit list (--tenant T | --installation)
  audit export --tenant T            JSON lines, one entry each, with its MAC
  audit verify --tenant T            the server checks the tenant's hash chain
  tokens list | tokens create [--days N] | tokens revoke --id ID

The token comes from PARLEY_TOKEN unless --token names another reference;
it is never taken from the command line itself (process listings show it).
The answer is printed as JSON. To check every audit chain offline, on the
store itself, run: parley audit verify --config FILE
`

// adminCmd is `parley admin …`.
func adminCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, adminUsage) }
	base := fs.String("url", envOr("PARLEY_ADMIN_URL", "https://127.0.0.1:8444"), "the admin listener")
	tokenRef := fs.String("token", "env:PARLEY_TOKEN", "the personal API token, as env:NAME or file:/path")
	caFile := fs.String("ca-file", "", "CA bundle to trust instead of the system roots (e.g. the sandbox's ca.pem)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) < 2 {
		fs.Usage()
		return fmt.Errorf("admin: name a group and a verb")
	}
	tok, err := config.ResolveSecret(*tokenRef)
	if err != nil || tok.Value.IsZero() {
		return fmt.Errorf("admin: a personal API token is required (set PARLEY_TOKEN or pass --token file:/path): %v", err)
	}
	if tok.Inline() {
		return fmt.Errorf("admin: pass the token as env:NAME or file:/path, not on the command line")
	}
	var roots *x509.CertPool
	if *caFile != "" {
		if roots, err = tlsconf.PoolFromPEMFile(*caFile); err != nil {
			return err
		}
	}
	c := &adminclient.Client{URL: *base, Token: tok.Value, HTTP: tlsconf.HTTPClient(roots)}
	out, err := adminVerb(ctx, c, rest[0], rest[1], rest[2:])
	if err != nil {
		return err
	}
	switch v := out.(type) {
	case nil:
		return nil
	case []byte:
		_, err = os.Stdout.Write(v)
		return err
	default:
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
}

// channelFlags collects --channel PLATFORM:WORKSPACE:CHANNEL.
type channelFlags []admin.Channel

func (c *channelFlags) String() string { return fmt.Sprint(*c) }

func (c *channelFlags) Set(s string) error {
	p, rest, ok1 := strings.Cut(s, ":")
	w, ch, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || p == "" || w == "" || ch == "" {
		return fmt.Errorf("want PLATFORM:WORKSPACE:CHANNEL, got %q", s)
	}
	*c = append(*c, admin.Channel{Platform: p, Workspace: w, Channel: ch})
	return nil
}

func adminVerb(ctx context.Context, c *adminclient.Client, group, verb string, args []string) (any, error) {
	fs := flag.NewFlagSet("admin "+group+" "+verb, flag.ContinueOnError)
	tenant := fs.String("tenant", "", "tenant ID")
	id := fs.String("id", "", "ID")
	name := fs.String("name", "", "name")
	email := fs.String("email", "", "the person's email")
	role := fs.String("role", "", "owner, admin, operator, auditor or viewer")
	provider := fs.String("provider", "", "the only sign-in provider trusted for this person (optional)")
	platform := fs.String("platform", "", "platform")
	days := fs.Int("days", 0, "days until the token expires (default: the deployment's limit)")
	installation := fs.Bool("installation", false, "the installation's audit log")
	var channels channelFlags
	fs.Var(&channels, "channel", "PLATFORM:WORKSPACE:CHANNEL (repeat)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	need := func(names ...string) error {
		for _, n := range names {
			if fs.Lookup(n).Value.String() == "" {
				return fmt.Errorf("admin %s %s: --%s is required", group, verb, n)
			}
		}
		return nil
	}
	var out any
	do := func(method, path string, in any) (any, error) {
		err := c.Do(ctx, method, path, in, &out)
		return out, err
	}
	switch group + " " + verb {
	case "links list":
		if err := need("tenant"); err != nil {
			return nil, err
		}
		return pages(ctx, c, adminclient.Tenant(*tenant, "links"), "links")
	case "links create":
		if err := need("tenant", "name"); err != nil {
			return nil, err
		}
		return do(http.MethodPost, adminclient.Tenant(*tenant, "links"), admin.LinkIn{ID: *id, Name: *name, Channels: channels})
	case "links update":
		if err := need("tenant", "id"); err != nil {
			return nil, err
		}
		var p admin.LinkPatch
		if *name != "" {
			p.Name = name
		}
		if len(channels) > 0 {
			cs := []admin.Channel(channels)
			p.Channels = &cs
		}
		return do(http.MethodPatch, adminclient.Tenant(*tenant, "links", *id), p)
	case "links delete":
		if err := need("tenant", "id"); err != nil {
			return nil, err
		}
		return nil, c.Do(ctx, http.MethodDelete, adminclient.Tenant(*tenant, "links", *id), nil, nil)
	case "workspaces list":
		if err := need("tenant"); err != nil {
			return nil, err
		}
		return do(http.MethodGet, adminclient.Tenant(*tenant, "workspaces"), nil)
	case "workspaces disconnect":
		if err := need("tenant", "platform", "id"); err != nil {
			return nil, err
		}
		return nil, c.Do(ctx, http.MethodDelete, adminclient.Tenant(*tenant, "workspaces", *platform, *id), nil, nil)
	case "roles list":
		if err := need("tenant"); err != nil {
			return nil, err
		}
		return pages(ctx, c, adminclient.Tenant(*tenant, "roles"), "roles")
	case "roles assign":
		if err := need("tenant", "email", "role"); err != nil {
			return nil, err
		}
		return do(http.MethodPost, adminclient.Tenant(*tenant, "roles"), admin.RoleIn{Email: *email, Role: *role, Provider: *provider})
	case "roles change", "roles revoke":
		if err := need("tenant", "email"); err != nil {
			return nil, err
		}
		person, err := c.Person(ctx, *tenant, *email)
		if err != nil {
			return nil, err
		}
		if verb == "revoke" {
			return nil, c.Do(ctx, http.MethodDelete, adminclient.Tenant(*tenant, "roles", person), nil, nil)
		}
		if err := need("role"); err != nil {
			return nil, err
		}
		return do(http.MethodPatch, adminclient.Tenant(*tenant, "roles", person), admin.RolePatch{Role: *role})
	case "audit list":
		if *installation {
			return pages(ctx, c, "installation/audit", "entries")
		}
		if err := need("tenant"); err != nil {
			return nil, err
		}
		return pages(ctx, c, adminclient.Tenant(*tenant, "audit"), "entries")
	case "audit export":
		if err := need("tenant"); err != nil {
			return nil, err
		}
		var b []byte
		err := c.Do(ctx, http.MethodGet, adminclient.Tenant(*tenant, "audit", "export"), nil, &b)
		return b, err
	case "audit verify":
		if err := need("tenant"); err != nil {
			return nil, err
		}
		var v admin.Verification
		if err := c.Do(ctx, http.MethodGet, adminclient.Tenant(*tenant, "audit", "verify"), nil, &v); err != nil {
			return nil, err
		}
		if !v.OK {
			printJSON(v)
			return nil, fmt.Errorf("audit verify: the chain of tenant %s is broken", *tenant)
		}
		return v, nil
	case "tokens list":
		return do(http.MethodGet, "tokens", nil)
	case "tokens create":
		return do(http.MethodPost, "tokens", admin.TokenIn{ExpiresInDays: *days})
	case "tokens revoke":
		if err := need("id"); err != nil {
			return nil, err
		}
		return nil, c.Do(ctx, http.MethodDelete, "tokens/"+url.PathEscape(*id), nil, nil)
	}
	fmt.Fprint(os.Stderr, adminUsage)
	return nil, fmt.Errorf("admin: unknown command %q", group+" "+verb)
}

// pages follows next_cursor and returns every item of field.
func pages(ctx context.Context, c *adminclient.Client, path, field string) (any, error) {
	all := []json.RawMessage{}
	cursor := ""
	for {
		var page map[string]json.RawMessage
		if err := c.Do(ctx, http.MethodGet, path+"?limit=1000&cursor="+url.QueryEscape(cursor), nil, &page); err != nil {
			return nil, err
		}
		var items []json.RawMessage
		_ = json.Unmarshal(page[field], &items)
		all = append(all, items...)
		var next string
		_ = json.Unmarshal(page["next_cursor"], &next)
		if next == "" {
			return map[string]any{field: all}, nil
		}
		cursor = next
	}
}

func printJSON(v any) {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// auditVerify is `parley audit verify --config FILE`: it opens the store
// and the key-encryption key itself and checks every audit chain, so a
// copy of the data directory can be checked without a running gateway.
// It exits non-zero if any chain is broken.
func auditVerify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	path := fs.String("config", "parley.yaml", "config file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	st, err := sqlite.Open(ctx, cfg.Store.Path)
	if err != nil {
		return err
	}
	defer st.Close()
	kek, err := vault.OpenKEK(ctx, cfg.Keys.KEKURL)
	if err != nil {
		return err
	}
	results, err := admin.VerifyAll(ctx, st, vault.New(kek, st))
	if err != nil {
		return err
	}
	broken := 0
	for _, r := range results {
		name := string(r.Tenant)
		if name == "" {
			name = "(installation)"
		}
		if r.OK {
			fmt.Printf("ok      %s: %d entries, %d to %d\n", name, r.Entries, r.First, r.Last)
			continue
		}
		broken++
		fmt.Printf("BROKEN  %s: %s\n", name, strings.Join(r.Problems, "; "))
	}
	if broken > 0 {
		return fmt.Errorf("audit verify: %d of %d chains are broken", broken, len(results))
	}
	fmt.Printf("%d chains verified\n", len(results))
	return nil
}
