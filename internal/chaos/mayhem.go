package chaos

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"parley/internal/emulator/userapi"
)

// killLoop SIGKILLs the gateway at random moments and starts it again after
// a short random pause, until ctx ends. It always leaves the gateway running.
func killLoop(ctx context.Context, g *gatewayProc, rng *rand.Rand, every time.Duration, kills *atomic.Int64, log *slog.Logger) error {
	for {
		wait := every/2 + time.Duration(rng.Int64N(int64(every)))
		if userapi.Pause(ctx, wait) != nil {
			return nil
		}
		g.kill()
		n := kills.Add(1)
		down := 200*time.Millisecond + time.Duration(rng.Int64N(int64(1800*time.Millisecond)))
		log.Info("chaos: gateway SIGKILLed", "kill", n, "down", down)
		// Restart even when ctx has ended: the settle phase needs it up.
		_ = userapi.Pause(ctx, down)
		if err := g.start(context.WithoutCancel(ctx)); err != nil {
			return err
		}
	}
}

// faultLoop injects, on a seeded schedule, a 503 burst, a 429 storm and a
// window of 2 s latency on the latency target, then keeps alternating
// bursts and storms on random workspaces until ctx ends.
func faultLoop(ctx context.Context, c *userapi.Client, targets []target, slow target, rng *rand.Rand, d time.Duration, faults *atomic.Int64, log *slog.Logger) error {
	pick := func() target { return targets[rng.IntN(len(targets))] }
	burst := func() (target, fault) {
		return pick(), fault{Status: 503, Count: 5 + rng.IntN(11)}
	}
	storm := func() (target, fault) {
		return pick(), fault{Status: 429, RetryAfter: 1 + rng.IntN(2), Seconds: 2 + rng.IntN(4)}
	}
	window := int(min(20*time.Second, max(d/5, 5*time.Second)).Seconds())
	steps := []func() (target, fault){
		burst, storm,
		func() (target, fault) { return slow, fault{LatencyMS: 2000, Seconds: window} },
	}
	// About one fault every D/8, but at least every 20 s in a long soak.
	gap := min(max(d/8, 3*time.Second), 20*time.Second)
	for i := 0; ; i++ {
		if userapi.Pause(ctx, gap/2+time.Duration(rng.Int64N(int64(gap)))) != nil {
			return nil
		}
		step := burst
		switch {
		case i < len(steps):
			step = steps[i]
		case rng.IntN(2) == 0:
			step = storm
		}
		t, f := step()
		if err := inject(ctx, c, t, f); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		faults.Add(1)
		log.Info("chaos: fault injected", "platform", t.platform, "workspace", t.workspace, "status", f.Status, "count", f.Count, "seconds", f.Seconds, "latency_ms", f.LatencyMS)
	}
}
