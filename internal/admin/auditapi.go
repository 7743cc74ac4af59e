package admin

import (
	"bytes"
	"encoding/json"
	"strconv"

	"parley/internal/core"
	"parley/internal/store"
)

func auditOut(e store.AuditEntry, chain bool) AuditEntry {
	out := AuditEntry{Seq: e.Seq, Time: e.Time.UTC(), Actor: e.Actor, Role: e.Role, Action: e.Action, Target: e.Target, Outcome: e.Outcome}
	if chain {
		out.Prev, out.MAC = e.Prev, e.MAC
	}
	return out
}

func (a *API) auditPage(c *call, tenant core.TenantID) (AuditOut, error) {
	limit, pos, e := page(c.r)
	if e != nil {
		return AuditOut{}, e
	}
	var after int64
	if pos.K != "" {
		n, err := strconv.ParseInt(pos.K, 10, 64)
		if err != nil || n < 0 {
			return AuditOut{}, badRequest("cursor: not one this API gave out")
		}
		after = n
	}
	es, err := a.st.Audit(c.ctx(), tenant, after, limit+1)
	if err != nil {
		return AuditOut{}, err
	}
	out := AuditOut{Entries: []AuditEntry{}}
	for i, e := range es {
		if i == limit {
			out.NextCursor = encodeCursor(position{K: strconv.FormatInt(es[i-1].Seq, 10)})
			break
		}
		out.Entries = append(out.Entries, auditOut(e, false))
	}
	return out, nil
}

func (a *API) listAudit(c *call, _ *none) (AuditOut, error) { return a.auditPage(c, c.tenant) }

func (a *API) listInstallationAudit(c *call, _ *none) (AuditOut, error) {
	return a.auditPage(c, store.Installation)
}

// exportAudit writes the whole chain as JSON lines, each with its MAC, so
// a copy kept elsewhere can later show that the chain lost entries.
func (a *API) exportAudit(c *call, _ *none) (raw, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for after := int64(0); ; {
		es, err := a.st.Audit(c.ctx(), c.tenant, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if err := enc.Encode(auditOut(e, true)); err != nil {
				return nil, err
			}
			after = e.Seq
		}
		if len(es) < 1000 {
			return raw(buf.Bytes()), nil
		}
	}
}

func (a *API) verifyAudit(c *call, _ *none) (Verification, error) {
	return VerifyChain(c.ctx(), a.st, a.vault, c.tenant)
}
