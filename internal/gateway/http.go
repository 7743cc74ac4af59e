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
	"parley/internal/readiness"
	"parley/internal/tlsconf"
)

// listen starts the public (webhooks) and admin listeners, both HTTPS.
func (g *Gateway) listen() error {
	pub, adm := g.publicHandler(), g.adminHandler()
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

// publicHandler serves the platforms' inbound endpoints, each behind the
// readiness gate, and the probes. The probes are on this listener because
// it is the one a load balancer and the kubelet reach (the admin listener
// is loopback by default); they say nothing but a status, and each probe
// round is cached, so exposing them costs neither secrets nor load.
func (g *Gateway) publicHandler() http.Handler {
	pub := http.NewServeMux()
	for _, m := range g.mounts {
		pub.Handle("POST "+m.path, countInbound(g.metrics, g.log, m.platform, g.ready.Gate(m.handler(g.sink)), g.rejected))
	}
	pub.Handle("GET /healthz", readiness.Live())
	pub.Handle("GET /readyz", g.ready.Handler())
	return pub
}

// adminHandler serves the admin API, the metrics and the same probes, for
// an operator on the admin network.
func (g *Gateway) adminHandler() http.Handler {
	adm := http.NewServeMux()
	adm.Handle("GET /healthz", readiness.Live())
	adm.Handle("GET /readyz", g.ready.Handler())
	adm.Handle(admin.Prefix, g.adminAPI.Handler())
	adm.Handle("GET /metrics", g.requireAdmin(g.metrics.Handler()))
	return adm
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
