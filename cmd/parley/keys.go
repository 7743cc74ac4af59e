package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"parley/internal/config"
	"parley/internal/store/driver"
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
	if file, ok := vault.KEKFilePath(cfg.Keys.KEKURL); ok {
		if err := vault.RotateKEKFile(file); err != nil {
			return fmt.Errorf("rotate key file: %w", err)
		}
	}
	st, err := driver.Open(ctx, cfg.Store)
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

// keysRetire removes an old key-encryption-key version from the key file,
// once `keys rotate` has re-wrapped everything it wrapped. Without
// --version it lists the versions and what each still wraps.
func keysRetire(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("keys retire", flag.ContinueOnError)
	path := fs.String("config", "parley.yaml", "config file")
	id := fs.String("version", "", "the key-encryption-key version to retire (omit to list them)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	file, ok := vault.KEKFilePath(cfg.Keys.KEKURL)
	if !ok {
		return fmt.Errorf("keys.kek_url is a KMS: retire old versions in the KMS itself, after `parley keys rotate`")
	}
	st, err := driver.Open(ctx, cfg.Store)
	if err != nil {
		return err
	}
	defer st.Close()
	if *id == "" {
		vs, err := vault.KEKFileVersions(ctx, file, st)
		if err != nil {
			return err
		}
		for _, v := range vs {
			state := "retirable"
			switch {
			case v.Primary:
				state = "primary"
			case v.Wraps > 0:
				state = "in use: run `parley keys rotate` first"
			}
			fmt.Fprintf(os.Stdout, "%s\twraps %d keys\t%s\n", v.ID, v.Wraps, state)
		}
		return nil
	}
	if err := vault.RetireKEKFile(ctx, file, *id, st); err != nil {
		return err
	}
	fmt.Printf("retired %s: the key file no longer holds it\n", *id)
	return nil
}
