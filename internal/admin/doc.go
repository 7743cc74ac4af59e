// Package admin is Parley's admin plane: the REST API under /api/v1/ on the
// admin listener (and, later, the console), sign-in with each platform's
// OpenID provider, console sessions and personal API tokens, roles, and the
// tamper-evident audit log.
//
// It changes state only through the store, and tells running nodes
// through a Notifier (the gateway publishes a config-changed event on the
// bus), so a link created on one node is live on every node at once.
// Nothing in the relay path imports it.
//
// # One route table
//
// routes.go lists every endpoint once: method, path, who may call it,
// request and response types, and the audit action it records. The same
// table builds the HTTP mux, decides authorization, generates the OpenAPI
// document served at /api/v1/openapi.json and drives the role × endpoint ×
// tenant matrix test. An endpoint cannot be added without an access rule:
// building the mux panics on a route that has none.
//
// # Who may do what
//
// Roles are per tenant: owner (everything in the tenant, including
// roles), admin (everything but the audit log and making owners),
// operator (links), auditor (read the traffic and audit logs; change
// nothing) and viewer (read configuration). The installation operator
// runs the deployment: it lists and creates tenants (naming their first
// owners), reads the deployment's status and its own audit chain, and
// nothing inside a tenant — not its links, people, traffic or audit log —
// unless a tenant's owner gives that person a role there. The bootstrap
// token (admin.token in the config, gateway.admin_token in the sandbox's
// manifest) is the installation operator's credential until people with
// roles can sign in.
//
// A request about a tenant in which the caller has no role is answered
// 404 with exactly the body a tenant that does not exist gets; a role
// without the permission gets 403.
package admin
