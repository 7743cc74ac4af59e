package admin

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"parley/internal/core"
)

// Prefix is where the API is mounted on the admin listener.
const Prefix = "/api/v1/"

// accessKind says who may call a route.
type accessKind int

const (
	accessNone         accessKind = iota // the zero value: refused when the mux is built
	accessPublic                         // anyone, signed in or not
	accessSignedIn                       // any signed-in caller
	accessInstallation                   // the installation operator
	accessTenant                         // a role in the path's tenant
)

// Access is a route's rule.
type Access struct {
	kind  accessKind
	roles []Role
}

// Public routes need no credential.
func Public() Access { return Access{kind: accessPublic} }

// SignedIn routes need any valid credential.
func SignedIn() Access { return Access{kind: accessSignedIn} }

// Installation routes need the installation operator.
func Installation() Access { return Access{kind: accessInstallation} }

// Tenant routes have {tenant} in their path and need one of roles there.
func Tenant(roles ...Role) Access {
	if len(roles) == 0 {
		panic("admin: a tenant route needs at least one role")
	}
	return Access{kind: accessTenant, roles: roles}
}

// Allows reports whether role may call a tenant route.
func (a Access) Allows(role Role) bool { return slices.Contains(a.roles, role) }

// Roles lists the tenant roles a tenant route allows.
func (a Access) Roles() []Role { return slices.Clone(a.roles) }

// describe is how the OpenAPI document states the rule.
func (a Access) describe() string {
	switch a.kind {
	case accessPublic:
		return "Anyone."
	case accessSignedIn:
		return "Any signed-in caller."
	case accessInstallation:
		return "The installation operator."
	case accessTenant:
		names := make([]string, len(a.roles))
		for i, r := range a.roles {
			names[i] = string(r)
		}
		return "Roles in the tenant: " + strings.Join(names, ", ") + "."
	}
	return "Nobody."
}

// Param documents a query parameter.
type Param struct {
	Name, Description string
}

// Route is one endpoint.
type Route struct {
	Method  string
	Path    string // relative to Prefix, with {name} wildcards
	Summary string
	Access  Access
	// Action, if set, is recorded in the audit log for every call:
	// every change and every read of the traffic log has one.
	Action string
	Status int // success status; 200 when zero
	Query  []Param
	// ContentType of the success response; JSON when empty.
	ContentType string

	req, resp reflect.Type
	serve     func(c *call) (any, error)
}

// none is the request or response type of a route without a body.
type none struct{}

// op builds a route's typed handler: the request body is decoded strictly
// into a Req before fn runs, and its result is sent as JSON.
func op[Req, Resp any](r Route, fn func(c *call, req *Req) (Resp, error)) Route {
	r.req, r.resp = reflect.TypeFor[Req](), reflect.TypeFor[Resp]()
	r.serve = func(c *call) (any, error) {
		req := new(Req)
		if r.req != reflect.TypeFor[none]() {
			if e := decodeJSON(c.r, req); e != nil {
				return nil, e
			}
		}
		return fn(c, req)
	}
	return r
}

// raw is a response that is not JSON (the audit export, the YAML
// export): the handler's bytes, sent with the route's ContentType.
type raw []byte

// redirect is a response that sends the browser elsewhere (sign-in).
type redirect string

// call is one request on its way through a route.
type call struct {
	api    *API
	w      http.ResponseWriter
	r      *http.Request
	route  *Route
	who    *principal
	tenant core.TenantID // "" unless the route is tenant-scoped
	role   Role          // the caller's role in tenant
	target string        // what the audit entry names
}

func (c *call) ctx() context.Context { return c.r.Context() }

// handler builds the mux of every route. It panics on a route without an
// access rule, a tenant route without {tenant}, or a change without an
// audit action: those are programming errors a test catches.
func (a *API) handler(routes []Route) http.Handler {
	mux := http.NewServeMux()
	for i := range routes {
		rt := &routes[i]
		if rt.Access.kind == accessNone {
			panic(fmt.Sprintf("admin: route %s %s has no access rule", rt.Method, rt.Path))
		}
		if (rt.Access.kind == accessTenant) != strings.HasPrefix(rt.Path, "tenants/{tenant}") {
			panic(fmt.Sprintf("admin: route %s %s: tenant routes, and only they, live under tenants/{tenant}", rt.Method, rt.Path))
		}
		if rt.Method != http.MethodGet && rt.Access.kind != accessPublic && rt.Action == "" {
			panic(fmt.Sprintf("admin: route %s %s changes state but records no audit action", rt.Method, rt.Path))
		}
		mux.HandleFunc(rt.Method+" "+Prefix+rt.Path, func(w http.ResponseWriter, r *http.Request) { a.serve(w, r, rt) })
	}
	// Anything else under the prefix is a JSON 404 (or 405), never the
	// default text page.
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, apiError(http.StatusNotFound, "not_found", "no such endpoint; see %sopenapi.json", Prefix))
	})
	return mux
}

// serve authenticates, authorizes, runs the route and records it.
func (a *API) serve(w http.ResponseWriter, r *http.Request, rt *Route) {
	c := &call{api: a, w: w, r: r, route: rt}
	if rt.Access.kind != accessPublic {
		who, e := a.authenticate(r)
		if e != nil {
			if e == errUnauthenticated && a.opts.Rejected != nil && presented(r) {
				a.opts.Rejected(r)
			}
			writeError(w, e)
			return
		}
		c.who = who
	} else if who, e := a.authenticate(r); e == nil {
		c.who = who
	}
	if e := a.authorize(c); e != nil {
		if e.Status == http.StatusForbidden && e != errCSRF && rt.Action != "" {
			a.record(c, "denied")
		}
		writeError(w, e)
		return
	}
	if rt.Action != "" && rt.Method == http.MethodGet {
		// A read that must be audited is recorded before anything is
		// read: no audit entry, no data.
		if err := a.record(c, "ok"); err != nil {
			writeError(w, errUnavailable)
			return
		}
	}
	out, err := rt.serve(c)
	if rt.Action != "" && rt.Method != http.MethodGet {
		outcome := "ok"
		if err != nil {
			outcome = asError(err).Code
		}
		if rerr := a.record(c, outcome); rerr != nil {
			a.log.Error("audit entry not recorded", "action", rt.Action, "err", rerr)
		}
	}
	if err != nil {
		e := asError(err)
		if e == errUnavailable {
			a.log.Warn("admin request failed", "method", rt.Method, "path", rt.Path, "err", err)
		}
		writeError(w, e)
		return
	}
	status := rt.Status
	if status == 0 {
		status = http.StatusOK
	}
	switch v := out.(type) {
	case redirect:
		http.Redirect(w, r, string(v), http.StatusFound)
	case raw:
		w.Header().Set("Content-Type", rt.ContentType)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(status)
		_, _ = w.Write(v)
	default:
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, out)
	}
}

// authorize applies the route's access rule to the caller.
func (a *API) authorize(c *call) *Error {
	rt := c.route
	if c.who != nil && c.who.session && !safeMethod(c.r.Method) && !a.validCSRF(c.r, c.who) {
		return errCSRF
	}
	switch rt.Access.kind {
	case accessPublic:
		return nil
	case accessSignedIn:
		return nil
	case accessInstallation:
		if !c.who.installation {
			return errForbidden
		}
		return nil
	case accessTenant:
		t := core.TenantID(c.r.PathValue("tenant"))
		role, ok := c.who.roles[t]
		if !ok || t == "" {
			return errNoTenant
		}
		c.tenant, c.role = t, role
		if !rt.Access.Allows(role) {
			return errForbidden
		}
		return nil
	}
	return errForbidden
}

// presented reports whether the request carried a credential at all.
func presented(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return true
	}
	_, err := r.Cookie(sessionCookie)
	return err == nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
