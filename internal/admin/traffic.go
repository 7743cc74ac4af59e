package admin

import (
	"time"
)

func (a *API) listTraffic(c *call, _ *none) (TrafficOut, error) {
	limit, pos, e := page(c.r)
	if e != nil {
		return TrafficOut{}, e
	}
	since := time.Unix(0, pos.T).UTC()
	if pos.T == 0 {
		since = time.Time{}
		if v := c.r.URL.Query().Get("since"); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return TrafficOut{}, badRequest("since: want an RFC 3339 time such as 2026-01-02T15:04:05Z")
			}
			since = t
		}
	}
	// Entries come oldest first; those at the cursor's time already sent
	// are skipped.
	es, err := a.st.Traffic(c.ctx(), c.tenant, since, limit+pos.N+1)
	if err != nil {
		return TrafficOut{}, err
	}
	if pos.T != 0 {
		skip := 0
		for skip < len(es) && skip < pos.N && es[skip].Time.UnixNano() == pos.T {
			skip++
		}
		es = es[skip:]
	}
	out := TrafficOut{Entries: []TrafficEntry{}}
	for i, e := range es {
		if i == limit {
			last := out.Entries[limit-1].Time.UnixNano()
			n := 0
			for _, x := range out.Entries {
				if x.Time.UnixNano() == last {
					n++
				}
			}
			if last == pos.T {
				n += pos.N
			}
			out.NextCursor = encodeCursor(position{T: last, N: n})
			break
		}
		out.Entries = append(out.Entries, TrafficEntry{Time: e.Time.UTC(), Kind: string(e.Kind), SrcPlatform: string(e.SrcPlatform), Source: e.Src,
			DstPlatform: string(e.DstPlatform), Destination: e.Dst, Size: e.Size, Files: e.Files, Outcome: e.Outcome, Attempts: e.Attempts,
			LatencyMS: e.Latency.Milliseconds()})
	}
	return out, nil
}
