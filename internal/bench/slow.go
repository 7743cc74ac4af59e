package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	webexemu "parley/internal/emulator/webex"
	"parley/internal/sandbox"
	"parley/internal/tlsconf"
)

// SlowResult compares relay latency between two healthy platforms with and
// without a slow destination in the same room.
type SlowResult struct {
	Unloaded, Loaded BenchResult
	Slow             time.Duration
}

func (r SlowResult) String() string {
	return fmt.Sprintf("acme → globex with every Webex call %s late: p50 %s → %s (%+.0f%%), p99 %s → %s (%+.0f%%)",
		r.Slow, r.Unloaded.P50.Round(100*time.Microsecond), r.Loaded.P50.Round(100*time.Microsecond), pct(r.Unloaded.P50, r.Loaded.P50),
		r.Unloaded.P99.Round(100*time.Microsecond), r.Loaded.P99.Round(100*time.Microsecond), pct(r.Unloaded.P99, r.Loaded.P99))
}

// postGap paces the benchmark's posts to Slack's per-channel rate.
const postGap = 1100 * time.Millisecond

func pct(a, b time.Duration) float64 { return 100 * (float64(b) - float64(a)) / float64(a) }

// SlowDestination measures, in the demo room, the relay latency from
// acme to globex (n messages each way), first as is and then while the
// Webex emulator answers every call slow late. The room's other lanes —
// Teams, Google Chat, Webex — keep their own pace; a slow one must not slow
// the rest. Posts come one every postGap, within what Slack allows a
// channel (about one a second), so the figure shows the slow destination's
// effect and not Slack's rate limit.
func SlowDestination(ctx context.Context, sb *sandbox.Sandbox, n int, slow time.Duration) (SlowResult, error) {
	m := sb.Manifest
	sl, err := slackOf(sb)
	if err != nil {
		return SlowResult{}, err
	}
	var webex webexemu.SandboxManifest
	if err := m.Platforms.Decode("webex", &webex); err != nil {
		return SlowResult{}, err
	}
	var acmeCh, globexCh, globexID, acmeToken string
	for _, w := range sl.Workspaces {
		for _, c := range m.Links[0].Channels {
			if c.Workspace != w.ID {
				continue
			}
			switch w.Name {
			case "acme":
				acmeCh, acmeToken = c.Channel, w.Users[0].Token
			case "globex":
				globexCh, globexID = c.Channel, w.ID
			}
		}
	}
	obs, err := observe(sb, 2*n, globexID, []string{globexCh})
	if err != nil {
		return SlowResult{}, err
	}
	hc := tlsconf.HTTPClient(sb.CAPool())
	api := slack.New(acmeToken, slack.OptionAPIURL(sl.APIURL), slack.OptionHTTPClient(hc))
	phase := func(name string) (BenchResult, error) {
		lat := make([]time.Duration, n)
		for i := range n {
			if i > 0 {
				time.Sleep(postGap) // a deliberate pace, not a wait for a condition
			}
			key := fmt.Sprintf("bench-%s-%d", name, i)
			var sent time.Time
			for {
				sent = time.Now()
				_, _, err := api.PostMessageContext(ctx, acmeCh, slack.MsgOptionText(key+" room latency", false))
				var rl *slack.RateLimitedError
				if errors.As(err, &rl) { // Slack paces a person to ~1/s per channel
					time.Sleep(rl.RetryAfter)
					continue
				}
				if err != nil {
					return BenchResult{}, err
				}
				break
			}
			if err := obs.waitOne(ctx, key, 30*time.Second); err != nil {
				return BenchResult{}, err
			}
			obs.mu.Lock()
			lat[i] = obs.arrived[key].Sub(sent)
			obs.mu.Unlock()
		}
		slices.Sort(lat)
		return BenchResult{Messages: n, Channels: 1, P50: lat[n/2], P99: lat[(n*99)/100], Max: lat[n-1]}, nil
	}
	unloaded, err := phase("unloaded")
	if err != nil {
		return SlowResult{}, err
	}
	fault := fmt.Sprintf(`{"workspace":%q,"latency_ms":%d,"seconds":600}`, webex.Orgs[0].ID, slow.Milliseconds())
	resp, err := hc.Post(webex.ControlURL+"faults", "application/json", strings.NewReader(fault))
	if err != nil {
		return SlowResult{}, err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return SlowResult{}, fmt.Errorf("bench: latency fault refused: %s", resp.Status)
	}
	defer func() {
		req, _ := http.NewRequest(http.MethodDelete, webex.ControlURL+"faults", nil)
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	loaded, err := phase("loaded")
	if err != nil {
		return SlowResult{}, err
	}
	return SlowResult{Unloaded: unloaded, Loaded: loaded, Slow: slow}, nil
}
