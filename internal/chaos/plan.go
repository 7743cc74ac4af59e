package chaos

import (
	"math"
	"strings"
	"time"

	"parley/internal/sandbox"
)

// Rates the posting side keeps to, below the platforms' own limits so the
// run measures the gateway rather than the people's clients: the strictest
// platforms allow a person about one post per second per channel, and one
// write per second per space shared by every caller.
const (
	benchPerSecond    = 0.8 // per benchmark channel pair
	partnersPerSecond = 0.5 // all sources of the five-platform room together
)

// benchChannelsFor is how many channel pairs carry the bulk of a run.
func benchChannelsFor(o Options) int {
	bench := o.Messages - partnersShare(o)
	perChannel := benchPerSecond * o.Duration.Seconds() * 0.9
	return max(1, int(math.Ceil(float64(bench)/math.Max(perChannel, 1))))
}

// partnersShare is how many messages go to the five-platform room.
func partnersShare(o Options) int {
	return min(o.Messages/5, int(partnersPerSecond*o.Duration.Seconds()))
}

// source is a channel people post into, how many messages, how often and
// where the copies should land.
type source struct {
	idx      int
	ch       *channel
	count    int
	interval time.Duration
	dsts     []string
	threads  bool
}

// planSources spreads o.Messages over the manifest's links: the benchmark
// pairs (two companies on one platform, alternating which side speaks,
// with thread replies) and every channel of the partners room.
func planSources(o Options, m *sandbox.Manifest, pc clients) ([]*source, map[string]*channel, error) {
	chans := map[string]*channel{}
	var srcs []*source
	span := o.Duration.Seconds() * 0.9
	add := func(l sandbox.ManifestLink, speaker int, count int, threads bool) error {
		var cs []*channel
		for _, mc := range l.Channels {
			ch, err := pc.newChannel(mc, 0, 1)
			if err != nil {
				return err
			}
			if prev := chans[ch.key]; prev != nil {
				ch = prev
			}
			chans[ch.key] = ch
			cs = append(cs, ch)
		}
		for i, ch := range cs {
			if speaker >= 0 && i != speaker {
				continue
			}
			share := count
			if speaker < 0 {
				share = count / len(cs)
				if i < count%len(cs) {
					share++
				}
			}
			if share == 0 {
				continue
			}
			s := &source{idx: len(srcs), ch: ch, count: share, threads: threads,
				interval: time.Duration(span / float64(share) * float64(time.Second))}
			for j, d := range cs {
				if j != i {
					s.dsts = append(s.dsts, d.key)
				}
			}
			srcs = append(srcs, s)
		}
		return nil
	}
	benchLinks := 0
	for _, l := range m.Links {
		if strings.HasPrefix(l.ID, "bench-") {
			benchLinks++
		}
	}
	bench := o.Messages - partnersShare(o)
	n := 0
	for _, l := range m.Links {
		var err error
		switch {
		case l.ID == "partners":
			err = add(l, -1, partnersShare(o), false)
		case strings.HasPrefix(l.ID, "bench-") && benchLinks > 0:
			count := bench / benchLinks
			if n < bench%benchLinks {
				count++
			}
			err = add(l, n%2, count, true)
			n++
		}
		if err != nil {
			return nil, nil, err
		}
	}
	return srcs, chans, nil
}
