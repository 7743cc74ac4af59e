package bench

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/core"
	slackemu "parley/internal/emulator/slack"
	teamsemu "parley/internal/emulator/teams"
	"parley/internal/sandbox"
	"parley/internal/tlsconf"
)

// Teams relays n messages posted by a person in acme's shared Slack
// channel to the linked Teams channel, timing each from the post to the
// moment the Teams service accepted the bot's send (its request log notes
// it). The room also fans out to the other platforms, as in real use.
// Sequential waits for each copy before the next post: latency without
// queueing. Otherwise all are posted at once and the figure shows Teams'
// own per-conversation limits (7/s, 60 per 30 s) at work.
func Teams(ctx context.Context, sb *sandbox.Sandbox, n int, sequential bool) (BenchResult, error) {
	m := sb.Manifest
	var teams teamsemu.SandboxManifest
	if err := m.Platforms.Decode("teams", &teams); err != nil {
		return BenchResult{}, fmt.Errorf("bench: the sandbox has no Teams: %w", err)
	}
	sl, err := slackOf(sb)
	if err != nil {
		return BenchResult{}, err
	}
	tenant := teams.Tenants[0].ID
	var acme *slackemu.SandboxWorkspace
	for i := range sl.Workspaces {
		if sl.Workspaces[i].Name == "acme" {
			acme = &sl.Workspaces[i]
		}
	}
	var ch string
	for _, c := range m.Links[0].Channels {
		if c.Workspace == acme.ID {
			ch = c.Channel
		}
	}
	sends := func() []time.Time {
		var out []time.Time
		for _, r := range sb.Emulator(core.Teams).(*teamsemu.Emulator).Requests(tenant) {
			if r.API == "connector" && strings.HasPrefix(r.Method, "POST /v3/conversations") && r.Status < 300 {
				out = append(out, r.Time)
			}
		}
		return out
	}
	waitSends := func(want int, limit time.Duration) ([]time.Time, error) {
		deadline := time.Now().Add(limit)
		for {
			if s := sends(); len(s) >= want {
				return s, nil
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("bench: only %d of %d copies reached Teams within %s", len(sends()), want, limit)
			}
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Millisecond):
			}
		}
	}
	api := slack.New(acme.Users[0].Token, slack.OptionAPIURL(sl.APIURL), slack.OptionHTTPClient(tlsconf.HTTPClient(sb.CAPool())))
	base := len(sends())
	sent := make([]time.Time, n)
	start := time.Now()
	for i := range n {
		for {
			sent[i] = time.Now()
			_, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText(fmt.Sprintf("teams-bench-%d", i), false))
			var rl *slack.RateLimitedError
			if errors.As(err, &rl) { // a person's client waits too
				time.Sleep(rl.RetryAfter)
				continue
			}
			if err != nil {
				return BenchResult{}, fmt.Errorf("post %d: %w", i, err)
			}
			break
		}
		if sequential {
			if _, err := waitSends(base+i+1, 10*time.Second); err != nil {
				return BenchResult{}, err
			}
		}
	}
	all, err := waitSends(base+n, 5*time.Minute)
	if err != nil {
		return BenchResult{}, err
	}
	// One Teams channel is one ordered lane: the k-th send is the k-th post.
	arrived := all[base : base+n]
	lat := make([]time.Duration, n)
	for i := range n {
		lat[i] = arrived[i].Sub(sent[i])
	}
	slices.Sort(lat)
	elapsed := arrived[n-1].Sub(start)
	return BenchResult{Messages: n, Channels: 1, Elapsed: elapsed, PerSecond: float64(n) / elapsed.Seconds(),
		P50: lat[n/2], P99: lat[(n*99)/100], Max: lat[n-1]}, nil
}
