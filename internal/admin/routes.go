package admin

import "net/http"

// All tenant roles, and the groups the tables in SANDBOX.md name.
var (
	everyone      = TenantRoles
	linkEditors   = []Role{Owner, Admin, Operator}
	trafficReader = []Role{Owner, Admin, Auditor}
	auditReader   = []Role{Owner, Auditor}
	peopleAdmins  = []Role{Owner, Admin}
	policyReaders = []Role{Owner, Admin, Auditor}
)

// table is every endpoint of the API. Add an endpoint here and nowhere
// else: the mux, authorization, the OpenAPI document and the access
// matrix test all read this table.
func (a *API) table() []Route {
	pageParams := []Param{{"limit", "page size, 1 to 1000 (default 100)"}, {"cursor", "next_cursor of the previous page"}}
	return []Route{
		op(Route{Method: http.MethodGet, Path: "openapi.json", Summary: "This API's OpenAPI 3 document", Access: Public()}, a.getOpenAPI),

		// Sign-in and the caller.
		op(Route{Method: http.MethodGet, Path: "auth/providers", Summary: "The sign-in providers", Access: Public()}, a.getProviders),
		op(Route{Method: http.MethodGet, Path: "auth/{provider}/login", Summary: "Start signing in with a provider (redirects to it)", Access: Public(), Status: http.StatusFound}, a.login),
		op(Route{Method: http.MethodGet, Path: "auth/{provider}/callback", Summary: "The provider's redirect back: ends sign-in with a session cookie", Access: Public(), Status: http.StatusFound}, a.callback),
		op(Route{Method: http.MethodPost, Path: "auth/logout", Summary: "End the console session", Access: SignedIn(), Action: "session.end", Status: http.StatusNoContent}, a.logout),
		op(Route{Method: http.MethodGet, Path: "me", Summary: "Who the caller is: person ID, roles, and the CSRF token of a console session", Access: SignedIn()}, a.getMe),

		// Personal API tokens.
		op(Route{Method: http.MethodGet, Path: "tokens", Summary: "The caller's personal API tokens (never their secrets)", Access: SignedIn()}, a.listTokens),
		op(Route{Method: http.MethodPost, Path: "tokens", Summary: "Create a personal API token; its secret is shown once", Access: SignedIn(), Action: "token.create", Status: http.StatusCreated}, a.createToken),
		op(Route{Method: http.MethodDelete, Path: "tokens/{id}", Summary: "Revoke one of the caller's personal API tokens", Access: SignedIn(), Action: "token.revoke", Status: http.StatusNoContent}, a.revokeToken),

		// The installation.
		op(Route{Method: http.MethodGet, Path: "status", Summary: "Deployment counters (no tenant data)", Access: Installation()}, a.getStatus),
		op(Route{Method: http.MethodGet, Path: "installation/audit", Summary: "The installation's audit log", Access: Installation(), Query: pageParams}, a.listInstallationAudit),
		op(Route{Method: http.MethodGet, Path: "installation/alerts", Summary: "The installation's alerts (bursts of rejected signatures or tokens), oldest first", Access: Installation(),
			Query: []Param{{"since", "RFC 3339 time: only alerts at or after it"}, {"limit", "at most this many, 1 to 1000 (default 100)"}}}, a.listAlerts),
		op(Route{Method: http.MethodGet, Path: "tenants", Summary: "The caller's tenants (the installation operator: all)", Access: SignedIn()}, a.listTenants),
		op(Route{Method: http.MethodPost, Path: "tenants", Summary: "Create a tenant and name its first owners", Access: Installation(), Action: "tenant.create", Status: http.StatusCreated}, a.createTenant),

		// One tenant.
		op(Route{Method: http.MethodGet, Path: "tenants/{tenant}", Summary: "The tenant and the caller's role in it", Access: Tenant(everyone...)}, a.getTenant),
		op(Route{Method: http.MethodGet, Path: "tenants/{tenant}/links", Summary: "The tenant's links", Access: Tenant(everyone...), Query: pageParams}, a.listLinks),
		op(Route{Method: http.MethodPost, Path: "tenants/{tenant}/links", Summary: "Create a link: live on every node at once", Access: Tenant(linkEditors...), Action: "link.create", Status: http.StatusCreated}, a.createLink),
		op(Route{Method: http.MethodGet, Path: "tenants/{tenant}/links/{link}", Summary: "One link", Access: Tenant(everyone...)}, a.getLink),
		op(Route{Method: http.MethodPatch, Path: "tenants/{tenant}/links/{link}", Summary: "Rename a link or replace its channels", Access: Tenant(linkEditors...), Action: "link.update"}, a.updateLink),
		op(Route{Method: http.MethodDelete, Path: "tenants/{tenant}/links/{link}", Summary: "Delete a link: relaying stops at once", Access: Tenant(linkEditors...), Action: "link.delete", Status: http.StatusNoContent}, a.deleteLink),
		op(Route{Method: http.MethodGet, Path: "tenants/{tenant}/workspaces", Summary: "The tenant's workspaces and their health", Access: Tenant(everyone...)}, a.listWorkspaces),
		op(Route{Method: http.MethodDelete, Path: "tenants/{tenant}/workspaces/{platform}/{workspace}", Summary: "Disconnect a workspace: its credentials are destroyed and its channels leave every link", Access: Tenant(peopleAdmins...), Action: "workspace.disconnect", Status: http.StatusNoContent}, a.disconnectWorkspace),
		op(Route{Method: http.MethodGet, Path: "tenants/{tenant}/traffic", Summary: "The content-free traffic log (each read is audited)", Access: Tenant(trafficReader...), Action: "traffic.read",
			Query: append([]Param{{"since", "RFC 3339 time: only entries at or after it"}}, pageParams...)}, a.listTraffic),
		op(Route{Method: http.MethodGet, Path: "tenants/{tenant}/audit", Summary: "The tenant's audit log, oldest first", Access: Tenant(auditReader...), Query: pageParams}, a.listAudit),
		op(Route{Method: http.MethodGet, Path: "tenants/{tenant}/audit/export", Summary: "The whole audit log as JSON lines, with each entry's MAC", Access: Tenant(auditReader...), ContentType: "application/x-ndjson"}, a.exportAudit),
		op(Route{Method: http.MethodGet, Path: "tenants/{tenant}/audit/verify", Summary: "Check the audit log's hash chain", Access: Tenant(auditReader...)}, a.verifyAudit),
		op(Route{Method: http.MethodGet, Path: "tenants/{tenant}/roles", Summary: "Who holds which role", Access: Tenant(peopleAdmins...), Query: pageParams}, a.listRoles),
		op(Route{Method: http.MethodPost, Path: "tenants/{tenant}/roles", Summary: "Give a person (by email) a role", Access: Tenant(peopleAdmins...), Action: "role.assign", Status: http.StatusCreated}, a.assignRole),
		op(Route{Method: http.MethodPatch, Path: "tenants/{tenant}/roles/{person}", Summary: "Change a person's role", Access: Tenant(peopleAdmins...), Action: "role.change"}, a.changeRole),
		op(Route{Method: http.MethodDelete, Path: "tenants/{tenant}/roles/{person}", Summary: "Revoke a person's role (and with it what their tokens can do)", Access: Tenant(peopleAdmins...), Action: "role.revoke", Status: http.StatusNoContent}, a.revokeRole),
		op(Route{Method: http.MethodGet, Path: "tenants/{tenant}/policies", Summary: "The tenant's policies: file sharing, restricted people, content rules and limits, per link", Access: Tenant(policyReaders...)}, a.getPolicies),
		op(Route{Method: http.MethodPut, Path: "tenants/{tenant}/policies", Summary: "Replace the tenant's policies: live on every node at once", Access: Tenant(peopleAdmins...), Action: "policy.update"}, a.putPolicies),
		op(Route{Method: http.MethodGet, Path: "tenants/{tenant}/alerts", Summary: "Monitoring and policy alerts, oldest first (content-free)", Access: Tenant(trafficReader...),
			Query: []Param{{"since", "RFC 3339 time: only alerts at or after it"}, {"limit", "at most this many, 1 to 1000 (default 100)"}}}, a.listAlerts),
		op(Route{Method: http.MethodPost, Path: "tenants/{tenant}/links/{link}/release", Summary: "Lift a link's quarantine: it relays again at once", Access: Tenant(peopleAdmins...), Action: "link.release"}, a.releaseLink),
		op(Route{Method: http.MethodGet, Path: "tenants/{tenant}/config.yaml", Summary: "The tenant's current state as a config-file section", Access: Tenant(peopleAdmins...), ContentType: "application/yaml"}, a.exportConfig),
	}
}
