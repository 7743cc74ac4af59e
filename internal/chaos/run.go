package chaos

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"parley/internal/emulator/userapi"
	"parley/internal/sandbox"
	"parley/internal/tlsconf"
)

// Run starts the emulators in this process and the gateway as a child
// process, posts o.Messages messages over o.Duration while it kills the
// gateway and injects faults, lets deliveries settle and counts them. The
// error is for a run that could not be carried out; what it found is in
// the Report (see Report.Clean).
func Run(ctx context.Context, o Options) (rep Report, err error) {
	o.defaults()
	log := o.Logger
	if o.Binary == "" {
		return rep, errors.New("chaos: no gateway binary")
	}
	dir := o.DataDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "parley-chaos-"); err != nil {
			return rep, err
		}
		defer func() {
			if err == nil && rep.Clean() {
				os.RemoveAll(dir)
			} else {
				log.Warn("chaos: data kept for inspection", "dir", dir)
			}
		}()
	}
	sb, err := sandbox.Start(ctx, sandbox.Options{
		DataDir: filepath.Join(dir, "sandbox"), NoGateway: true, Logger: log.With("part", "sandbox"),
		BenchChannels: benchChannelsFor(o),
		// Redeliver a little sooner than the platforms do, so a run of
		// minutes also exercises redelivery, not only catch-up.
		EventRetryDelays: []time.Duration{time.Second, 5 * time.Second, 15 * time.Second},
	})
	if err != nil {
		return rep, fmt.Errorf("chaos: sandbox: %w", err)
	}
	defer sb.Close(context.WithoutCancel(ctx))
	m := sb.Manifest
	pool, err := tlsconf.PoolFromPEMFile(m.CAFile)
	if err != nil {
		return rep, err
	}
	c := &userapi.Client{HTTP: tlsconf.HTTPClient(pool)}
	cs := clients{}
	for _, name := range m.Platforms.Names() {
		if cs[name], err = m.Client(name, c.HTTP); err != nil {
			return rep, err
		}
	}

	logFile, err := os.OpenFile(filepath.Join(dir, "gateway.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return rep, err
	}
	defer logFile.Close()
	g := &gatewayProc{binary: o.Binary, config: m.GatewayConfig, healthURL: m.Gateway.PublicURL + "/healthz", out: logFile, hc: c.HTTP}
	if err := g.start(ctx); err != nil {
		return rep, err
	}
	defer g.stop()

	srcs, chans, err := planSources(o, m, cs)
	if err != nil {
		return rep, err
	}
	run := randomHex(4)
	log.Info("chaos: run starting", "run", run, "sources", len(srcs), "messages", o.Messages, "duration", o.Duration, "seed", o.Seed)

	led := &ledger{}
	var kills, faults atomic.Int64
	if err := mayhem(ctx, o, c, cs, g, srcs, run, led, &kills, &faults); err != nil {
		return rep, err
	}
	for _, ctl := range cs.controls() {
		if err := clearFaults(ctx, c, ctl); err != nil {
			return rep, fmt.Errorf("chaos: clear faults: %w", err)
		}
	}
	sent := led.all()
	keys := make([]string, len(srcs))
	for i, s := range srcs {
		keys[i] = s.ch.key
	}
	log.Info("chaos: posting done, settling", "sent", len(sent))
	rep, err = settle(ctx, o, chans, run, sent, keys)
	rep.Kills, rep.Faults = int(kills.Load()), int(faults.Load())
	for _, e := range rep.Examples {
		log.Warn("chaos: problem", "what", e)
	}
	return rep, err
}

// mayhem posts from every source while killing the gateway and injecting
// faults, and returns once every source is done and the gateway is up.
func mayhem(ctx context.Context, o Options, c *userapi.Client, cs clients, g *gatewayProc, srcs []*source, run string, led *ledger, kills, faults *atomic.Int64) error {
	log := o.Logger
	// Posting may overrun Duration while storms slow it; past twice that
	// something is wrong.
	postCtx, cancelPost := context.WithTimeout(ctx, 2*o.Duration+time.Minute)
	defer cancelPost()
	chaosCtx, stopChaos := context.WithCancel(ctx)
	defer stopChaos()
	rng := mrand.New(mrand.NewPCG(uint64(o.Seed), 0x9e3779b9))
	killRng := mrand.New(mrand.NewPCG(rng.Uint64(), rng.Uint64()))
	faultRng := mrand.New(mrand.NewPCG(rng.Uint64(), rng.Uint64()))

	var chaosWG sync.WaitGroup
	chaosErr := make(chan error, 2)
	chaosWG.Add(2)
	go func() {
		defer chaosWG.Done()
		every := min(max(o.Duration/6, 3*time.Second), 20*time.Second)
		chaosErr <- killLoop(chaosCtx, g, killRng, every, kills, log)
	}()
	targets, slow := cs.faultTargets()
	go func() {
		defer chaosWG.Done()
		chaosErr <- faultLoop(chaosCtx, c, targets, slow, faultRng, o.Duration, faults, log)
	}()

	var postWG sync.WaitGroup
	postErr := make(chan error, len(srcs))
	for _, s := range srcs {
		postWG.Add(1)
		go func() {
			defer postWG.Done()
			postErr <- postAll(postCtx, s, run, o.Seed, led, log)
		}()
	}
	postWG.Wait()
	stopChaos()
	chaosWG.Wait()
	close(postErr)
	close(chaosErr)
	var errs []error
	for e := range postErr {
		errs = append(errs, e)
	}
	for e := range chaosErr {
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// faultTargets lists every workspace with its emulator's control URL, and
// the one that gets the latency window: globex, the destination of half the
// benchmark pairs, or the first workspace when there is no globex.
func (cs clients) faultTargets() (all []target, slow target) {
	for _, p := range sandbox.Platforms() {
		c := cs[string(p.Name)]
		if c == nil {
			continue
		}
		for _, w := range c.Workspaces() {
			t := target{string(p.Name), w.ID, c.ControlURL()}
			all = append(all, t)
			if w.Name == "globex" {
				slow = t
			}
		}
	}
	if slow.control == "" {
		slow = all[0]
	}
	return all, slow
}

// controls are the emulators' control URLs.
func (cs clients) controls() []string {
	var out []string
	for _, p := range sandbox.Platforms() {
		if c := cs[string(p.Name)]; c != nil {
			out = append(out, c.ControlURL())
		}
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
