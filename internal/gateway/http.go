package gateway

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"parley/internal/core"
	"parley/internal/tlsconf"
)

// listen starts the public (webhooks) and admin listeners, both HTTPS.
func (g *Gateway) listen() error {
	pub := http.NewServeMux()
	for _, m := range g.mounts {
		pub.Handle("POST "+m.path, countInbound(g.metrics, g.log, m.platform, m.handler(inbound{g})))
	}
	pub.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })

	adm := http.NewServeMux()
	adm.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	adm.Handle("GET /api/v1/status", g.requireAdmin(http.HandlerFunc(g.status)))
	adm.Handle("GET /api/v1/tenants/{tenant}/traffic", g.requireAdmin(http.HandlerFunc(g.trafficLog)))
	adm.Handle("GET /metrics", g.requireAdmin(g.metrics.Handler()))

	var err error
	if g.public, g.publicLn, err = serve(g, g.cfg.Public.Listen, g.cfg.Public.CertFile, g.cfg.Public.KeyFile, pub); err != nil {
		return fmt.Errorf("public listener: %w", err)
	}
	certFile, keyFile := g.cfg.Admin.CertFile, g.cfg.Admin.KeyFile
	if certFile == "" { // the admin listener reuses the public certificate unless given its own
		certFile, keyFile = g.cfg.Public.CertFile, g.cfg.Public.KeyFile
	}
	if g.admin, g.adminLn, err = serve(g, g.cfg.Admin.Listen, certFile, keyFile, adm); err != nil {
		return fmt.Errorf("admin listener: %w", err)
	}
	return nil
}

func serve(g *Gateway, addr, certFile, keyFile string, h http.Handler) (*http.Server, net.Listener, error) {
	tcfg, err := tlsconf.ServerFromFiles(certFile, keyFile)
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         tcfg,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			g.log.Error("listener stopped", "addr", ln.Addr().String(), "err", err)
		}
	}()
	return srv, ln, nil
}

// requireAdmin checks the admin bearer token in constant time.
func (g *Gateway) requireAdmin(next http.Handler) http.Handler {
	want := []byte(g.cfg.Admin.Token.Value.Reveal())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="parley-admin"`)
			http.Error(w, "admin token required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// status reports counts only: no names, no IDs, no content.
func (g *Gateway) status(w http.ResponseWriter, r *http.Request) {
	ws, err1 := g.store.AllWorkspaces(r.Context())
	links, err2 := g.store.AllLinks(r.Context())
	if err := errors.Join(err1, err2); err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	pending, _ := g.bus.Pending(r.Context())
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"workspaces": len(ws), "links": len(links), "bus_pending": pending})
}

// trafficLog serves a tenant's traffic log: content-free entries since a
// time (RFC 3339, default: all that is kept).
func (g *Gateway) trafficLog(w http.ResponseWriter, r *http.Request) {
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			http.Error(w, "since: want an RFC 3339 time such as 2026-01-02T15:04:05Z", http.StatusBadRequest)
			return
		}
		since = t
	}
	entries, err := g.store.Traffic(r.Context(), core.TenantID(r.PathValue("tenant")), since, 10000)
	if err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	type row struct {
		Time        time.Time `json:"time"`
		Kind        string    `json:"kind"`
		Source      string    `json:"source"`
		SrcPlatform string    `json:"source_platform"`
		Destination string    `json:"destination"`
		DstPlatform string    `json:"destination_platform"`
		Size        int64     `json:"size"`
		Files       int       `json:"files"`
		Outcome     string    `json:"outcome"`
		Attempts    int       `json:"attempts"`
		LatencyMS   int64     `json:"latency_ms"`
	}
	out := make([]row, 0, len(entries))
	for _, e := range entries {
		out = append(out, row{e.Time.UTC(), string(e.Kind), e.Src, string(e.SrcPlatform), e.Dst, string(e.DstPlatform), e.Size, e.Files, e.Outcome, e.Attempts, e.Latency.Milliseconds()})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
