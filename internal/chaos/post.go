package chaos

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"parley/internal/emulator/userapi"
)

// ledger collects what the people posted, from every source's goroutine.
type ledger struct {
	mu   sync.Mutex
	sent []sentMsg
}

func (l *ledger) add(m sentMsg) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent = append(l.sent, m)
}

func (l *ledger) all() []sentMsg {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]sentMsg(nil), l.sent...)
}

// threadRoots is how many of a threaded source's first messages start
// threads that later messages reply to.
const threadRoots = 3

// postAll posts s.count numbered messages one after another, so seq is the
// order the source platform accepted them in. In threaded sources the first
// threadRoots messages are roots and about one in five later ones replies
// to one of them. It stops early only when ctx ends or a post fails after
// its client's retries.
func postAll(ctx context.Context, s *source, run string, seed int64, led *ledger, log *slog.Logger) error {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(s.idx)))
	ids := map[int]string{}
	next := time.Now()
	for seq := 1; seq <= s.count; seq++ {
		if err := userapi.Pause(ctx, time.Until(next)); err != nil {
			return err
		}
		// Jitter keeps sources from posting in lockstep.
		next = next.Add(s.interval/2 + time.Duration(rng.Int64N(int64(s.interval)+1)))
		root := 0
		if s.threads && seq > threadRoots && rng.IntN(5) == 0 {
			root = 1 + rng.IntN(threadRoots)
		}
		text := mark(run, s.idx, seq) + " from the chaos suite"
		if root != 0 {
			text = fmt.Sprintf("%s (reply to n%d)", text, root)
		}
		id, err := s.ch.post(ctx, text, ids[root])
		if err != nil {
			log.Error("chaos: post failed", "source", s.ch.key, "seq", seq, "err", err)
			return fmt.Errorf("post %s #%d: %w", s.ch.key, seq, err)
		}
		ids[seq] = id
		led.add(sentMsg{src: s.ch.key, seq: seq, root: root, dsts: s.dsts, at: time.Now()})
	}
	return nil
}
