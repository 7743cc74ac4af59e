package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"parley/internal/logging"
	"parley/internal/sandbox"
)

func sandboxCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "directory for everything the sandbox writes (default: a fresh temporary directory)")
	listen := fs.String("listen", "127.0.0.1:0", "the gateway's public listener (port 0: any free port)")
	manifest := fs.String("manifest", "", "where to write the manifest (default DIR/sandbox.json)")
	noGateway := fs.Bool("no-gateway", false, "run only the emulators and write a gateway config for `parley serve --config`")
	level := fs.String("log-level", "warn", "log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dataDir == "" {
		d, err := os.MkdirTemp("", "parley-sandbox-")
		if err != nil {
			return err
		}
		*dataDir = d
	}
	log := logging.New(os.Stderr, *level)
	sb, err := sandbox.Start(ctx, sandbox.Options{DataDir: *dataDir, Listen: *listen, Manifest: *manifest, NoGateway: *noGateway, Logger: log})
	if err != nil {
		return err
	}
	fmt.Printf("sandbox ready: %s\n", sb.ManifestPath)
	fmt.Printf("open %s in a browser (trust %s) to watch the relay\n", sb.Manifest.UIURL, sb.Manifest.CAFile)
	<-ctx.Done()
	shut, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return sb.Close(shut)
}
