package gateway

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// requests is what the listeners know about the requests they are serving:
// how many are in flight, and the context they all derive from, which
// shutdown cancels when waiting longer would overrun its budget.
type requests struct {
	ctx      context.Context
	cancel   context.CancelFunc
	inFlight atomic.Int64
}

func newRequests() *requests {
	ctx, cancel := context.WithCancel(context.Background())
	return &requests{ctx: ctx, cancel: cancel}
}

func (rq *requests) track(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq.inFlight.Add(1)
		defer rq.inFlight.Add(-1)
		h.ServeHTTP(w, r)
	})
}

// shutdownHTTP stops both listeners within ctx. In-flight requests first
// get half of the time left to finish. Then their contexts are canceled:
// a webhook still waiting on the store or the bus answers 503, and the
// platform delivers it again (to this node after a restart, or to
// another). Connections still open when ctx ends are cut; nothing is lost
// by that, since an event is acknowledged only once it is durable, so it
// is logged rather than failing the shutdown.
func (g *Gateway) shutdownHTTP(ctx context.Context) {
	servers := map[string]*http.Server{}
	for name, s := range map[string]*http.Server{"public": g.public, "admin": g.admin} {
		if s != nil {
			servers[name] = s
		}
	}
	grace := 5 * time.Second
	if d, ok := ctx.Deadline(); ok {
		grace = time.Until(d) / 2
	}
	stopWaiting := time.AfterFunc(grace, g.requests.cancel)
	defer stopWaiting.Stop()
	defer g.requests.cancel()

	var wg sync.WaitGroup
	for name, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Shutdown(ctx); err != nil {
				g.log.Warn("connections cut at shutdown", "listener", name, "requests_in_flight", g.requests.inFlight.Load(), "err", err)
				_ = s.Close()
			}
		}()
	}
	wg.Wait()
}
