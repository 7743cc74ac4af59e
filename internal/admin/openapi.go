package admin

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The OpenAPI 3 document is generated from the route table and the
// request and response types, so it cannot drift from what is served.

// OpenAPIDoc is the document, as JSON-ready maps.
type OpenAPIDoc map[string]any

func (a *API) getOpenAPI(c *call, _ *none) (OpenAPIDoc, error) { return a.OpenAPI(), nil }

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// OpenAPI builds the document.
func (a *API) OpenAPI() OpenAPIDoc {
	g := &schemaGen{schemas: map[string]any{}}
	errSchema := g.schema(reflect.TypeFor[errorBody]())
	errResp := func(desc string) any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": errSchema}}}
	}
	paths := map[string]any{}
	for _, rt := range a.routes {
		p := "/" + rt.Path
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range rt.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "required": false, "description": q.Description, "schema": map[string]any{"type": "string"}})
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		switch {
		case rt.resp == reflect.TypeFor[redirect]():
			ok["headers"] = map[string]any{"Location": map[string]any{"schema": map[string]any{"type": "string"}}}
		case rt.resp == reflect.TypeFor[raw]():
			ok["content"] = map[string]any{rt.ContentType: map[string]any{"schema": map[string]any{"type": "string"}}}
		case rt.resp != reflect.TypeFor[none]():
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(rt.resp)}}
		}
		responses := map[string]any{strconv.Itoa(status): ok, "503": errResp("The store is unavailable")}
		op := map[string]any{
			"operationId": operationID(rt),
			"summary":     rt.Summary,
			"description": "Who may call it: " + rt.Access.describe(),
			"x-parley-access": map[string]any{
				"kind":  [...]string{"none", "public", "signed-in", "installation", "tenant"}[rt.Access.kind],
				"roles": roleNames(rt.Access.roles),
			},
			"responses": responses,
		}
		if rt.Action != "" {
			op["x-parley-audit-action"] = rt.Action
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Access.kind == accessPublic {
			op["security"] = []any{}
		} else {
			responses["401"] = errResp("No valid credential")
			responses["403"] = errResp("The caller's role does not allow this (or a session request lacks its CSRF token)")
		}
		if rt.Access.kind == accessTenant || strings.Contains(rt.Path, "{") {
			responses["404"] = errResp("No such object; also the answer for a tenant in which the caller has no role")
		}
		if rt.req != reflect.TypeFor[none]() {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": g.schema(rt.req)}}}
			responses["400"] = errResp("The body or a parameter is malformed (unknown fields are named)")
			responses["409"] = errResp("The change conflicts with the current state")
			responses["413"] = errResp("The body is too large")
			responses["415"] = errResp("The body is not JSON")
		} else if len(rt.Query) > 0 {
			responses["400"] = errResp("A query parameter is malformed")
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return OpenAPIDoc{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Parley admin API", "version": "1",
			"description": "Tenants, links, workspaces, roles, tokens, the traffic log and the audit log. Errors are {\"error\":{\"code\",\"message\"}}."},
		"servers": []any{map[string]any{"url": strings.TrimSuffix(Prefix, "/")}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": g.schemas,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "A personal API token (parley_pat_…) or the bootstrap admin token."},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "A console session; state changes also need X-CSRF-Token."},
			},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
	}
}

func roleNames(rs []Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func operationID(rt Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	up := true
	for _, r := range rt.Path {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			if up {
				b.WriteString(strings.ToUpper(string(r)))
			} else {
				b.WriteRune(r)
			}
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

// schemaGen turns Go types into OpenAPI schemas; named structs become
// components.
type schemaGen struct{ schemas map[string]any }

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	if t == reflect.TypeFor[time.Time]() {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schema(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := t.Name()
		if _, done := g.schemas[name]; !done {
			g.schemas[name] = map[string]any{} // recursion guard
			props := map[string]any{}
			var required []any
			for i := range t.NumField() {
				f := t.Field(i)
				tag := f.Tag.Get("json")
				if !f.IsExported() || tag == "-" {
					continue
				}
				fname, opts, _ := strings.Cut(tag, ",")
				if fname == "" {
					fname = f.Name
				}
				props[fname] = g.schema(f.Type)
				if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
					required = append(required, fname)
				}
			}
			s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
			if required != nil {
				s["required"] = required
			}
			g.schemas[name] = s
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}
