package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"parley/internal/chaos"
	"parley/internal/logging"
)

// chaosCmd runs the chaos suite with this binary as the gateway: people
// post while the gateway is SIGKILLed and the platforms fail, then every
// copy is counted. It fails unless nothing was lost, duplicated or
// reordered.
func chaosCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	d := fs.Duration("duration", 10*time.Minute, "how long to post while killing the gateway and injecting faults")
	seed := fs.Int64("seed", time.Now().UnixNano(), "seed of the kills and faults")
	n := fs.Int("messages", 0, "messages in all (default: 4 a second of --duration)")
	dir := fs.String("data-dir", "", "keep the sandbox, gateway data and gateway.log here (default: a temporary directory)")
	level := fs.String("log-level", "info", "progress logging: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("chaos: %w", err)
	}
	fmt.Fprintf(os.Stderr, "chaos: seed %d\n", *seed)
	rep, err := chaos.Run(ctx, chaos.Options{Duration: *d, Messages: *n, Seed: *seed, Binary: bin, DataDir: *dir, Logger: logging.New(os.Stderr, *level)})
	if err != nil {
		return err
	}
	fmt.Println(rep)
	if !rep.Clean() {
		return errors.New("chaos: messages were lost, duplicated or reordered")
	}
	return nil
}
