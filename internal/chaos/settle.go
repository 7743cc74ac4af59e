package chaos

import (
	"context"
	"fmt"
	"time"

	"parley/internal/emulator/userapi"
)

// quiet is how long the run keeps watching after every copy has arrived,
// so a late duplicate (a retry still in flight) is counted too.
const quiet = 8 * time.Second

// settle reads every destination until each expected copy is there or
// o.Settle has passed, waits out the quiet period, and tallies a final read.
func settle(ctx context.Context, o Options, chans map[string]*channel, run string, sent []sentMsg, keys []string) (Report, error) {
	deadline := time.Now().Add(o.Settle)
	for {
		r, err := readAll(ctx, chans, run, sent, keys)
		if err != nil {
			return r, err
		}
		o.Logger.Info("chaos: settling", "report", r.String(), "first_problems", r.Examples[:min(3, len(r.Examples))])
		if r.Lost == 0 || time.Now().After(deadline) {
			break
		}
		if err := userapi.Pause(ctx, 5*time.Second); err != nil {
			return r, err
		}
	}
	if err := userapi.Pause(ctx, quiet); err != nil {
		return Report{}, err
	}
	return readAll(ctx, chans, run, sent, keys)
}

// readAll lists every destination channel and tallies it against sent.
func readAll(ctx context.Context, chans map[string]*channel, run string, sent []sentMsg, keys []string) (Report, error) {
	want := map[string]bool{}
	for _, s := range sent {
		for _, d := range s.dsts {
			want[d] = true
		}
	}
	got := map[string][]seen{}
	for key := range want {
		ch := chans[key]
		msgs, err := ch.read(ctx)
		if err != nil {
			return Report{}, fmt.Errorf("chaos: read %s: %w", key, err)
		}
		for i := range msgs {
			msgs[i].markers = findMarkers(run, msgs[i].raw)
		}
		got[key] = msgs
	}
	return tally(sent, keys, got), nil
}
