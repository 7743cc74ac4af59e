package admin

import (
	"errors"
	"strconv"
	"time"

	"parley/internal/store"
)

// AlertOut is one monitoring or policy alert, content-free.
type AlertOut struct {
	ID     string    `json:"id"`
	Time   time.Time `json:"time"`
	Kind   string    `json:"kind"`
	Link   string    `json:"link"`
	Detail string    `json:"detail"`
}

// AlertsOut lists alerts, oldest first.
type AlertsOut struct {
	Alerts []AlertOut `json:"alerts"`
}

// ReleaseOut answers a release.
type ReleaseOut struct {
	Link string `json:"link"`
	// Released is false when the link was not quarantined.
	Released bool `json:"released"`
}

func (a *API) listAlerts(c *call, _ *none) (AlertsOut, error) {
	q := c.r.URL.Query()
	since := time.Time{}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return AlertsOut{}, badRequest("since: want an RFC 3339 time such as 2026-01-02T15:04:05Z")
		}
		since = t
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return AlertsOut{}, badRequest("limit: want 1 to 1000")
		}
		limit = n
	}
	as, err := a.st.Alerts(c.ctx(), c.tenant, since, limit)
	if err != nil {
		return AlertsOut{}, err
	}
	out := AlertsOut{Alerts: []AlertOut{}}
	for _, x := range as {
		out.Alerts = append(out.Alerts, AlertOut{ID: x.ID, Time: x.Time.UTC(), Kind: x.Kind, Link: string(x.Link), Detail: x.Detail})
	}
	return out, nil
}

// releaseLink lifts a link's quarantine; releasing a link that is not
// quarantined is not an error (two admins may press at once).
func (a *API) releaseLink(c *call, _ *none) (ReleaseOut, error) {
	l, err := a.findLink(c)
	if err != nil {
		return ReleaseOut{}, err
	}
	err = a.st.DeleteQuarantine(c.ctx(), c.tenant, l.ID)
	if errors.Is(err, store.ErrNotFound) {
		return ReleaseOut{Link: string(l.ID)}, nil
	}
	if err != nil {
		return ReleaseOut{}, err
	}
	a.notify(c, "quarantine")
	return ReleaseOut{Link: string(l.ID), Released: true}, nil
}
