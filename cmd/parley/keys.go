package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"parley/internal/config"
	"parley/internal/store/sqlite"
	"parley/internal/vault"
)

// keysRotate adds a new key-encryption key and re-wraps every tenant's
// keys under it. Running gateways keep working throughout: a data key's
// value does not change, only its wrapping.
func keysRotate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("keys rotate", flag.ContinueOnError)
	path := fs.String("config", "parley.yaml", "config file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	if file, ok := strings.CutPrefix(cfg.Keys.KEKURL, "file://"); ok {
		if err := vault.RotateKEKFile(file); err != nil {
			return fmt.Errorf("rotate key file: %w", err)
		}
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
	n, err := vault.New(kek, st).Rotate(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("re-wrapped %d keys under %s\n", n, kek.ID())
	return nil
}
