// Package bench measures the relay path end to end through a running
// sandbox: people post on one platform over TLS, the gateway relays, and
// the destination's own signals (an observer app, a request log) time each
// copy. Each benchmark is about particular platforms, so this is where
// they are named; the sandbox itself names none.
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	slackemu "parley/internal/emulator/slack"
	"parley/internal/sandbox"
	"parley/internal/tlsconf"
)

// BenchOptions sizes a relay benchmark.
type BenchOptions struct {
	Messages    int // total messages relayed
	Concurrency int // people posting at once
	// Sequential waits for each copy to arrive before posting the next,
	// measuring latency without queueing.
	Sequential bool
}

// BenchResult is what a relay benchmark measured, from the moment a person's
// post was accepted by the source platform to the moment the destination
// platform announced the relayed copy.
type BenchResult struct {
	Messages      int
	Channels      int
	Elapsed       time.Duration
	PerSecond     float64
	P50, P99, Max time.Duration
	// CPU is the CPU time the whole process used while the messages were
	// relayed (gateway, emulators and the posting people alike), divided
	// by the messages; PeakRSS is the process's peak resident set.
	CPUPerMessage time.Duration
	PeakRSS       int64
}

func (r BenchResult) String() string {
	s := fmt.Sprintf("%d messages over %d channel pairs in %s: %.0f msg/s, latency p50 %s p99 %s max %s",
		r.Messages, r.Channels, r.Elapsed.Round(time.Millisecond), r.PerSecond, r.P50.Round(100*time.Microsecond), r.P99.Round(100*time.Microsecond), r.Max.Round(100*time.Microsecond))
	if r.CPUPerMessage > 0 {
		s += fmt.Sprintf("; CPU %s per message (whole process: gateway, emulators and senders), peak RSS %d MiB",
			r.CPUPerMessage.Round(time.Microsecond), r.PeakRSS>>20)
	}
	return s
}

// benchPerChannel keeps each channel inside Slack's chat.postMessage burst
// allowance, so the benchmark measures Parley, not the emulated rate limit.
const benchPerChannel = 20

// ChannelsFor is how many channel pairs a benchmark of n messages needs.
func ChannelsFor(n int) int { return max(1, (n+benchPerChannel-1)/benchPerChannel) }

// Relay posts o.Messages messages as people of acme into the benchmark
// channels (the sandbox must have been started with enough BenchChannels)
// and waits for each copy to be announced in globex by the Events API to an
// observer app, exactly as any other Slack app would see it.
func Relay(ctx context.Context, sb *sandbox.Sandbox, o BenchOptions) (BenchResult, error) {
	sl, err := slackOf(sb)
	if err != nil {
		return BenchResult{}, err
	}
	var acme, globex *slackemu.SandboxWorkspace
	for i := range sl.Workspaces {
		switch w := &sl.Workspaces[i]; w.Name {
		case "acme":
			acme = w
		case "globex":
			globex = w
		}
	}
	var pairs [][2]string // acme channel → globex channel
	for _, l := range sb.Manifest.Links {
		if strings.HasPrefix(l.ID, "bench-") && len(l.Channels) == 2 {
			pairs = append(pairs, [2]string{l.Channels[0].Channel, l.Channels[1].Channel})
		}
	}
	if len(pairs) < ChannelsFor(o.Messages) {
		return BenchResult{}, fmt.Errorf("bench: %d messages need %d benchmark channels, the sandbox has %d", o.Messages, ChannelsFor(o.Messages), len(pairs))
	}
	pairs = pairs[:ChannelsFor(o.Messages)]
	o.Concurrency = max(o.Concurrency, 1)
	if o.Sequential {
		o.Concurrency = 1
	}

	var watched []string
	for _, p := range pairs {
		watched = append(watched, p[1])
	}
	obs, err := observe(sb, o.Messages, globex.ID, watched)
	if err != nil {
		return BenchResult{}, err
	}

	pool := sb.CAPool()
	run := randomHex(4)
	cpu0, _ := processUsage()
	sent := make([]time.Time, o.Messages)
	jobs := make(chan int)
	errs := make(chan error, o.Concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range o.Concurrency {
		person := acme.Users[w%len(acme.Users)]
		api := slack.New(person.Token, slack.OptionAPIURL(sl.APIURL), slack.OptionHTTPClient(tlsconf.HTTPClient(pool)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				ch := pairs[i%len(pairs)][0]
				sent[i] = time.Now()
				if _, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText(fmt.Sprintf("bench-%s-%d hello from the benchmark", run, i), false)); err != nil {
					errs <- fmt.Errorf("post %d: %w", i, err)
					return
				}
				if o.Sequential {
					if err := obs.waitOne(ctx, fmt.Sprintf("bench-%s-%d", run, i), 10*time.Second); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
feed:
	for i := range o.Messages {
		select {
		case jobs <- i:
		case err := <-errs:
			close(jobs)
			wg.Wait()
			return BenchResult{}, err
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return BenchResult{}, err
	default:
	}

	arrived, err := obs.wait(ctx, run, 60*time.Second)
	if err != nil {
		return BenchResult{}, err
	}
	var lat []time.Duration
	last := start
	for i, at := range arrived {
		lat = append(lat, at.Sub(sent[i]))
		if at.After(last) {
			last = at
		}
	}
	cpu1, peak := processUsage()
	slices.Sort(lat)
	elapsed := last.Sub(start)
	return BenchResult{
		Messages: o.Messages, Channels: len(pairs), Elapsed: elapsed,
		PerSecond: float64(o.Messages) / elapsed.Seconds(),
		P50:       lat[len(lat)/2], P99: lat[(len(lat)*99)/100], Max: lat[len(lat)-1],
		CPUPerMessage: (cpu1 - cpu0) / time.Duration(o.Messages), PeakRSS: peak,
	}, nil
}

// observe installs an observer app in a Slack workspace and invites it to
// channels, so that it hears of every copy Parley posts there — as any
// other app in the workspace would.
func observe(sb *sandbox.Sandbox, want int, team string, channels []string) (*observer, error) {
	obs := newObserver(want)
	url, err := sb.Serve(obs)
	if err != nil {
		return nil, err
	}
	app := slackEmu(sb).AddApp(slackemu.AppSpec{Name: "bench observer", SigningSecret: randomHex(16), RequestURL: url, BotScopes: []string{"channels:history", "channels:read"}})
	inst := slackEmu(sb).Install(app.ID, team)
	for _, ch := range channels {
		if err := slackEmu(sb).Invite(team, ch, inst.BotUserID); err != nil {
			return nil, err
		}
	}
	return obs, nil
}

// observer is a Slack app's request URL that notes when each benchmark
// message's relayed copy is announced.
type observer struct {
	mu      sync.Mutex
	arrived map[string]time.Time
	want    int
	done    chan struct{}
	changed chan struct{} // signalled (without blocking) on every arrival
}

func newObserver(want int) *observer {
	return &observer{arrived: map[string]time.Time{}, want: want, done: make(chan struct{}), changed: make(chan struct{}, 1)}
}

// waitOne waits for one message's copy.
func (o *observer) waitOne(ctx context.Context, key string, limit time.Duration) error {
	t := time.NewTimer(limit)
	defer t.Stop()
	for {
		o.mu.Lock()
		_, ok := o.arrived[key]
		o.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-o.changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return fmt.Errorf("bench: %s did not arrive within %s", key, limit)
		}
	}
}

func (o *observer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var env struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
		Event     struct {
			Type  string `json:"type"`
			Text  string `json:"text"`
			BotID string `json:"bot_id"`
		} `json:"event"`
	}
	if json.Unmarshal(body, &env) != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	if env.Type == "url_verification" {
		_, _ = w.Write([]byte(env.Challenge))
		return
	}
	if env.Event.Type == "message" && env.Event.BotID != "" && strings.HasPrefix(env.Event.Text, "bench-") {
		key, _, _ := strings.Cut(env.Event.Text, " ")
		o.mu.Lock()
		if _, dup := o.arrived[key]; !dup {
			o.arrived[key] = at
			select {
			case o.changed <- struct{}{}:
			default:
			}
			if len(o.arrived) == o.want {
				close(o.done)
			}
		}
		o.mu.Unlock()
	}
	w.WriteHeader(http.StatusOK)
}

// wait returns arrival times indexed by message number.
func (o *observer) wait(ctx context.Context, run string, limit time.Duration) ([]time.Time, error) {
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-o.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		o.mu.Lock()
		n := len(o.arrived)
		o.mu.Unlock()
		return nil, fmt.Errorf("bench: only %d of %d messages arrived within %s", n, o.want, limit)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]time.Time, o.want)
	for i := range out {
		at, ok := o.arrived[fmt.Sprintf("bench-%s-%d", run, i)]
		if !ok {
			return nil, errors.New("bench: an arrival is missing")
		}
		out[i] = at
	}
	return out, nil
}
