package storetest

// TextColumns are the only text columns a back end's schema may have,
// "table.column": IDs, names, blind indexes, key labels, pseudonyms and
// content-free labels. Anything else a back end stores is a number, a time
// or sealed bytes; each back end's tests hold its schema to this list, so
// a column that could carry content in clear cannot slip in.
var TextColumns = map[string]bool{
	"tenants.id": true, "tenants.name": true,
	"workspaces.tenant": true, "workspaces.platform": true, "workspaces.id": true, "workspaces.name": true,
	"links.tenant": true, "links.id": true, "links.name": true,
	"link_channels.tenant": true, "link_channels.link": true, "link_channels.platform": true,
	"link_channels.workspace": true, "link_channels.channel": true,
	"tenant_keys.tenant": true, "tenant_keys.purpose": true, "tenant_keys.kek_id": true,
	"copies.tenant": true, "copies.idx": true, "copies.grp": true,
	"cursors.tenant": true, "cursors.idx": true,
	"seen_marks.mark": true,
	// Dead letters: the bus message ID is a pseudonym, the reason a
	// content-free label; the event itself is sealed.
	"dead_letters.tenant": true, "dead_letters.id": true, "dead_letters.reason": true,
	// The traffic log: kinds, platforms, pseudonyms and outcome labels.
	"traffic.tenant": true, "traffic.kind": true, "traffic.src_platform": true, "traffic.src": true,
	"traffic.dst_platform": true, "traffic.dst": true, "traffic.outcome": true,
	// The admin plane: origins and roles are labels; persons and token
	// hashes keyed hashes (the email is sealed); audit entries hold
	// pseudonymous actors, action and target labels and MACs, never
	// content.
	"workspaces.origin": true, "links.origin": true,
	"roles.tenant": true, "roles.person": true, "roles.role": true, "roles.provider": true, "roles.origin": true,
	"access_tokens.hash": true, "access_tokens.id": true, "access_tokens.kind": true, "access_tokens.person": true, "access_tokens.provider": true,
	"audit_log.tenant": true, "audit_log.actor": true, "audit_log.role": true, "audit_log.action": true,
	"audit_log.target": true, "audit_log.outcome": true, "audit_log.prev": true, "audit_log.mac": true,
	// Governance: the policy document is sealed (it names people).
	"policies.tenant": true,
	// Alerts are content-free: kinds, link IDs, counts and limits.
	"alerts.tenant": true, "alerts.id": true, "alerts.kind": true, "alerts.link": true, "alerts.detail": true,
	"quarantines.tenant": true, "quarantines.link": true, "quarantines.reason": true,
}

// SealedColumns hold bytes sealed by the vault; a back end stores them as
// binary, never as text.
var SealedColumns = []string{"workspaces.credentials", "copies.sealed", "cursors.sealed", "tenant_keys.wrapped", "dead_letters.sealed", "roles.sealed_email", "policies.sealed"}
