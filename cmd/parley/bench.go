package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"parley/internal/bench"
	"parley/internal/logging"
	"parley/internal/sandbox"
)

// bench measures the relay path end to end through a sandbox: people post
// to one Slack workspace over TLS, the gateway relays, and an observer app
// in the other workspace notes each copy's arrival.
func runBench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	n := fs.Int("messages", 1000, "messages to relay")
	conc := fs.Int("concurrency", 8, "people posting at once")
	seq := fs.Bool("sequential", false, "wait for each copy before posting the next (latency without queueing)")
	to := fs.String("to", "slack", "destination: slack (another company's workspace) or teams")
	slow := fs.Duration("slow-destination", 0, "with a duration: measure acme → globex in the demo room, unloaded and with every Webex call that late")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "parley-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sb, err := sandbox.Start(ctx, sandbox.Options{DataDir: dir, BenchChannels: bench.ChannelsFor(*n), Logger: logging.New(os.Stderr, "warn")})
	if err != nil {
		return err
	}
	defer sb.Close(context.Background())
	if *slow > 0 {
		r, err := bench.SlowDestination(ctx, sb, *n, *slow)
		if err != nil {
			return err
		}
		fmt.Println(r)
		return nil
	}
	var res bench.BenchResult
	switch *to {
	case "slack":
		res, err = bench.Relay(ctx, sb, bench.BenchOptions{Messages: *n, Concurrency: *conc, Sequential: *seq})
	case "teams":
		res, err = bench.Teams(ctx, sb, *n, *seq)
	default:
		return fmt.Errorf("bench: --to %q: want slack or teams", *to)
	}
	if err != nil {
		return err
	}
	fmt.Println(res)
	return nil
}
