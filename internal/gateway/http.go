package gateway

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"parley/internal/admin"
	"parley/internal/tlsconf"
)

// listen starts the public (webhooks) and admin listeners, both HTTPS.
func (g *Gateway) listen() error {
	pub := http.NewServeMux()
	for _, m := range g.mounts {
		pub.Handle("POST "+m.path, countInbound(g.metrics, g.log, m.platform, m.handler(g.sink), g.rejected))
	}
	pub.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })

	adm := http.NewServeMux()
	adm.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	adm.Handle(admin.Prefix, g.adminAPI.Handler())
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
	if g.cfg.Admin.URL == "" {
		g.adminAPI.SetURL(g.AdminURL())
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
		Handler:           g.requests.track(h),
		BaseContext:       func(net.Listener) context.Context { return g.requests.ctx },
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
