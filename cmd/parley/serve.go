package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"time"

	"parley/internal/config"
	"parley/internal/gateway"
	"parley/internal/logging"
)

func serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	path := fs.String("config", "parley.yaml", "config file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	log := logging.New(os.Stderr, cfg.Log.Level)
	for _, name := range cfg.InlineSecrets() {
		log.Warn("secret written inline in the config file; use env:NAME or file:/path", "key", name)
	}
	g := gateway.New(cfg, log)
	if err := g.Start(ctx); err != nil {
		return err
	}
	log.Info("parley serving", "public", g.PublicURL(), "admin", g.AdminURL())
	// Logs show URLs as scheme and host only (see logging), so the
	// endpoints' paths go on their own.
	for p, u := range g.InboundURLs() {
		if pu, err := url.Parse(u); err == nil {
			log.Info("inbound endpoint", "platform", p, "public", pu.Scheme+"://"+pu.Host, "path", pu.Path)
		}
	}
	<-ctx.Done()
	log.Info("shutting down")
	shut, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := g.Close(shut); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func configCheck(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: parley config check FILE")
	}
	cfg, err := config.Load(args[0])
	if err != nil {
		return err
	}
	for _, name := range cfg.InlineSecrets() {
		fmt.Printf("warning: %s is written inline; prefer env:NAME or file:/path\n", name)
	}
	fmt.Printf("%s: ok (%d tenants)\n", args[0], len(cfg.Tenants))
	return nil
}
