package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"parley/internal/config"
	"parley/internal/tlsconf"
)

// traffic prints a tenant's traffic log through the admin API, so reading
// it needs a personal token of the tenant's owner, admin or auditor, goes
// through the same access control as every other admin action, and is
// recorded in the tenant's audit log. The token is read from the environment or a
// file, never from a flag (flags show up in process listings).
func traffic(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("traffic", flag.ContinueOnError)
	adminURL := fs.String("admin-url", "https://127.0.0.1:8444", "the gateway's admin listener")
	tenant := fs.String("tenant", "", "tenant ID (required)")
	since := fs.Duration("since", 72*time.Hour, "how far back")
	tokenRef := fs.String("token", "env:PARLEY_TOKEN", "a personal API token, as env:NAME or file:/path")
	caFile := fs.String("ca-file", "", "CA bundle to trust instead of the system roots (e.g. the sandbox's ca.pem)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tenant == "" {
		return fmt.Errorf("traffic: --tenant is required")
	}
	tok, err := config.ResolveSecret(*tokenRef)
	if err != nil || tok.Value.IsZero() {
		return fmt.Errorf("traffic: a personal API token is required (set PARLEY_TOKEN or pass --token file:/path): %v", err)
	}
	if tok.Inline() {
		return fmt.Errorf("traffic: pass the token as env:NAME or file:/path, not on the command line")
	}
	var roots *x509.CertPool
	if *caFile != "" {
		if roots, err = tlsconf.PoolFromPEMFile(*caFile); err != nil {
			return err
		}
	}
	u := strings.TrimRight(*adminURL, "/") + "/api/v1/tenants/" + url.PathEscape(*tenant) + "/traffic?since=" +
		url.QueryEscape(time.Now().Add(-*since).UTC().Format(time.RFC3339)) + "&limit=1000"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok.Value.Reveal())
	resp, err := tlsconf.HTTPClient(roots).Do(req)
	if err != nil {
		return fmt.Errorf("traffic: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("traffic: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	if *asJSON {
		_, err = os.Stdout.Write(body)
		return err
	}
	var page struct {
		Entries []struct {
			Time        time.Time `json:"time"`
			Kind        string    `json:"kind"`
			SrcPlatform string    `json:"source_platform"`
			Source      string    `json:"source"`
			DstPlatform string    `json:"destination_platform"`
			Destination string    `json:"destination"`
			Size        int64     `json:"size"`
			Files       int       `json:"files"`
			Outcome     string    `json:"outcome"`
			Attempts    int       `json:"attempts"`
			LatencyMS   int64     `json:"latency_ms"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return fmt.Errorf("traffic: unexpected answer: %w", err)
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tKIND\tFROM\tTO\tSIZE\tFILES\tOUTCOME\tATTEMPTS\tLATENCY")
	for _, r := range page.Entries {
		fmt.Fprintf(tw, "%s\t%s\t%s:%s\t%s:%s\t%d\t%d\t%s\t%d\t%dms\n", r.Time.Format(time.RFC3339), r.Kind,
			r.SrcPlatform, r.Source, r.DstPlatform, r.Destination, r.Size, r.Files, r.Outcome, r.Attempts, r.LatencyMS)
	}
	return tw.Flush()
}
