package admin

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"parley/internal/core"
	"parley/internal/store"
	"parley/internal/vault"
)

// The audit log is one hash chain per tenant (and one for the
// installation). Each entry's MAC is HMAC-SHA256, under a deployment key
// wrapped by the KEK, over the entry's fields and the previous entry's
// MAC: without the key nobody can change, remove, insert or reorder an
// entry and leave a valid chain.
//
// Retention removes the oldest entries. So that the chain stays
// verifiable, a purge first appends a checkpoint entry (action
// "audit.purge", target "seq:K") and only then deletes the entries before
// K: a chain may start at K > 1 only if an authenticated checkpoint says
// so. What a chain alone cannot show is the loss of its newest entries;
// keep exports (they carry each MAC) to compare against.

// Checkpoint is the action of a purge's checkpoint entry.
const Checkpoint = "audit.purge"

// chainMAC computes an entry's MAC.
func chainMAC(ctx context.Context, v *vault.Vault, e store.AuditEntry) (string, error) {
	return v.DeploymentIndex(ctx, purposeAudit, "v1", string(e.Tenant), strconv.FormatInt(e.Seq, 10),
		strconv.FormatInt(e.Time.UnixNano(), 10), e.Actor, e.Role, e.Action, e.Target, e.Outcome, e.Prev)
}

// appendAudit adds an entry at the end of the tenant's chain, retrying
// when another writer took the place first.
func appendAudit(ctx context.Context, st store.Store, v *vault.Vault, e store.AuditEntry) (store.AuditEntry, error) {
	for range 20 {
		last, err := st.LastAudit(ctx, e.Tenant)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return e, err
		}
		e.Seq, e.Prev = last.Seq+1, last.MAC
		if e.MAC, err = chainMAC(ctx, v, e); err != nil {
			return e, err
		}
		err = st.AppendAudit(ctx, e)
		if !errors.Is(err, store.ErrConflict) {
			return e, err
		}
	}
	return e, errors.New("audit: the chain is too busy; try again")
}

// record writes the audit entry for a call.
func (a *API) record(c *call, outcome string) error {
	e := store.AuditEntry{Tenant: c.tenant, Time: a.now().UTC(), Action: c.route.Action, Outcome: outcome,
		Target: c.target, Actor: "anonymous", Role: string(c.role)}
	if c.who != nil {
		e.Actor = c.who.actor
		if c.role == "" && c.who.installation {
			e.Role = "installation_operator"
		}
	}
	if e.Target == "" {
		e.Target = c.route.Path
		for _, name := range []string{"link", "person", "platform", "workspace", "id"} {
			if v := c.r.PathValue(name); v != "" {
				e.Target = strings.ReplaceAll(e.Target, "{"+name+"}", v)
			}
		}
		e.Target = strings.ReplaceAll(e.Target, "{tenant}", string(c.tenant))
	}
	a.auditMu.Lock()
	defer a.auditMu.Unlock()
	_, err := appendAudit(c.ctx(), a.st, a.vault, e)
	return err
}

// Verification is the result of checking one chain.
type Verification struct {
	Tenant   core.TenantID `json:"tenant"`
	Entries  int           `json:"entries"`
	First    int64         `json:"first_seq"`
	Last     int64         `json:"last_seq"`
	OK       bool          `json:"ok"`
	Problems []string      `json:"problems"`
}

// VerifyChain walks a tenant's chain and reports every break.
func VerifyChain(ctx context.Context, st store.Store, v *vault.Vault, tenant core.TenantID) (Verification, error) {
	res := Verification{Tenant: tenant, Problems: []string{}}
	var prev store.AuditEntry
	var anchor int64 = 1
	after := int64(0)
	for {
		es, err := st.Audit(ctx, tenant, after, 1000)
		if err != nil {
			return res, err
		}
		for _, e := range es {
			res.Entries++
			if res.Entries == 1 {
				res.First = e.Seq
			} else {
				if e.Seq != prev.Seq+1 {
					res.Problems = append(res.Problems, fmt.Sprintf("entries %d to %d are missing", prev.Seq+1, e.Seq-1))
				}
				if e.Prev != prev.MAC {
					res.Problems = append(res.Problems, fmt.Sprintf("entry %d does not follow entry %d", e.Seq, prev.Seq))
				}
			}
			want, err := chainMAC(ctx, v, e)
			if err != nil {
				return res, err
			}
			if want != e.MAC {
				res.Problems = append(res.Problems, fmt.Sprintf("entry %d was changed (its MAC does not match)", e.Seq))
			} else if e.Action == Checkpoint {
				if k, err := strconv.ParseInt(strings.TrimPrefix(e.Target, "seq:"), 10, 64); err == nil && k > anchor {
					anchor = k
				}
			}
			prev, after = e, e.Seq
		}
		if len(es) < 1000 {
			break
		}
	}
	res.Last = prev.Seq
	if res.Entries > 0 && res.First > anchor {
		res.Problems = append(res.Problems, fmt.Sprintf("entries %d to %d are missing from the start, and no checkpoint accounts for them", anchor, res.First-1))
	}
	res.OK = len(res.Problems) == 0
	return res, nil
}

// VerifyAll checks every chain in the store.
func VerifyAll(ctx context.Context, st store.Store, v *vault.Vault) ([]Verification, error) {
	chains, err := st.AuditChains(ctx)
	if err != nil {
		return nil, err
	}
	var out []Verification
	for _, t := range chains {
		r, err := VerifyChain(ctx, st, v, t)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// PurgeAudit removes, from every chain, the entries older than the
// retention period, leaving a checkpoint so the chain still verifies.
func (a *API) PurgeAudit(ctx context.Context) (int, error) {
	chains, err := a.st.AuditChains(ctx)
	if err != nil {
		return 0, err
	}
	cutoff := a.now().Add(-a.opts.AuditRetention)
	total := 0
	for _, t := range chains {
		n, err := a.purgeChain(ctx, t, cutoff)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (a *API) purgeChain(ctx context.Context, t core.TenantID, cutoff time.Time) (int, error) {
	es, err := a.st.Audit(ctx, t, 0, 1)
	if err != nil || len(es) == 0 || !es[0].Time.Before(cutoff) {
		return 0, err
	}
	// K: the first entry to keep, the first one not older than cutoff.
	keep := int64(0)
	for after := es[0].Seq - 1; keep == 0; {
		page, err := a.st.Audit(ctx, t, after, 1000)
		if err != nil {
			return 0, err
		}
		for _, e := range page {
			if !e.Time.Before(cutoff) {
				keep = e.Seq
				break
			}
			after = e.Seq
		}
		if keep == 0 && len(page) < 1000 {
			keep = after + 1 // all are old: keep only the checkpoint
		}
	}
	a.auditMu.Lock()
	cp, err := appendAudit(ctx, a.st, a.vault, store.AuditEntry{Tenant: t, Time: a.now().UTC(), Actor: "parley", Role: "system",
		Action: Checkpoint, Target: "seq:" + strconv.FormatInt(keep, 10), Outcome: "ok"})
	a.auditMu.Unlock()
	if err != nil {
		return 0, err
	}
	if keep > cp.Seq {
		keep = cp.Seq
	}
	return a.st.PurgeAudit(ctx, t, keep)
}
