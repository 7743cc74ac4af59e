package webex

import (
	"net/http"
	"net/url"
	"strings"
)

type webhookJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	TargetURL string `json:"targetUrl"`
	Resource  string `json:"resource"`
	Event     string `json:"event"`
	Filter    string `json:"filter,omitempty"`
	Secret    string `json:"secret,omitempty"`
	Status    string `json:"status"`
	Created   string `json:"created"`
	OrgID     string `json:"orgId"`
	CreatedBy string `json:"createdBy"`
	AppID     string `json:"appId"`
	OwnedBy   string `json:"ownedBy"`
}

// The resources and events the emulator delivers.
var (
	hookResources = map[string]bool{"messages": true, "memberships": true, "rooms": true, "attachmentActions": true, "all": true}
	hookEvents    = map[string]bool{"created": true, "updated": true, "deleted": true, "all": true}
)

// appID is the emulator's single application: Webex puts the ID of the app
// that owns the token in webhooks.
var appID = encodeID("APPLICATION", "0c0ffee0-0000-4000-8000-00000000a11e")

func (e *Emulator) renderHook(h *webhook) webhookJSON {
	return webhookJSON{
		ID: h.id, Name: h.name, TargetURL: h.targetURL, Resource: h.resource, Event: h.event,
		Filter: h.filter, Secret: h.secret, Status: h.status, Created: iso(h.created),
		OrgID: e.st.people[h.owner].org, CreatedBy: h.owner, AppID: appID, OwnedBy: "creator",
	}
}

// webhookInput is a create or update request.
type webhookInput struct {
	Name      string `json:"name"`
	TargetURL string `json:"targetUrl"`
	Resource  string `json:"resource"`
	Event     string `json:"event"`
	Filter    string `json:"filter"`
	Secret    string `json:"secret"`
	Status    string `json:"status"`
	OwnedBy   string `json:"ownedBy"`
}

func validTarget(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// validFilter accepts key=value pairs joined by &, with the keys Webex
// documents for messages and memberships.
func validFilter(f string) bool {
	if f == "" {
		return true
	}
	for _, kv := range strings.Split(f, "&") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || v == "" {
			return false
		}
		switch k {
		case "roomId", "roomType", "personId", "personEmail", "mentionedPeople", "hasFiles", "isModerator":
		default:
			return false
		}
	}
	return true
}

func (e *Emulator) webhooksCreate(c *call) (int, any) {
	var in webhookInput
	if st, body, ok := c.decode(&in); !ok {
		return st, body
	}
	switch {
	case in.Name == "":
		return http.StatusBadRequest, apiError("name: may not be empty")
	case !validTarget(in.TargetURL):
		return http.StatusBadRequest, apiError("targetUrl: must be an http(s) URL")
	case !hookResources[in.Resource]:
		return http.StatusBadRequest, apiError("resource: invalid value")
	case !hookEvents[in.Event]:
		return http.StatusBadRequest, apiError("event: invalid value")
	case !validFilter(in.Filter):
		return http.StatusBadRequest, apiError("filter: invalid value")
	case in.OwnedBy != "" && in.OwnedBy != "creator":
		return http.StatusForbidden, apiError("Org-owned webhooks need an admin or compliance officer token.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	h := &webhook{
		id: newID("WEBHOOK"), name: in.Name, targetURL: in.TargetURL, resource: in.Resource,
		event: in.Event, filter: in.Filter, secret: in.Secret, owner: c.who.id, status: "active", created: e.now(),
	}
	e.st.hooks[h.id] = h
	e.st.hookList = append(e.st.hookList, h)
	return http.StatusOK, e.renderHook(h)
}

func (e *Emulator) webhooksList(c *call) (int, any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []webhookJSON
	for _, h := range e.st.hookList {
		if h.owner == c.who.id {
			out = append(out, e.renderHook(h))
		}
	}
	return http.StatusOK, items(out)
}

func (e *Emulator) ownHook(c *call) *webhook {
	h := e.st.hooks[c.r.PathValue("id")]
	if h == nil || h.owner != c.who.id {
		return nil
	}
	return h
}

func (e *Emulator) webhooksGet(c *call) (int, any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	h := e.ownHook(c)
	if h == nil {
		return http.StatusNotFound, errNotFound
	}
	return http.StatusOK, e.renderHook(h)
}

// webhooksUpdate is PUT: name and targetUrl are required; secret and
// status may change (status "active" re-enables a disabled webhook).
func (e *Emulator) webhooksUpdate(c *call) (int, any) {
	var in webhookInput
	if st, body, ok := c.decode(&in); !ok {
		return st, body
	}
	if in.Name == "" || !validTarget(in.TargetURL) {
		return http.StatusBadRequest, apiError("name and targetUrl are required.")
	}
	if in.Status != "" && in.Status != "active" && in.Status != "inactive" {
		return http.StatusBadRequest, apiError("status: invalid value")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	h := e.ownHook(c)
	if h == nil {
		return http.StatusNotFound, errNotFound
	}
	h.name, h.targetURL = in.Name, in.TargetURL
	if in.Secret != "" {
		h.secret = in.Secret
	}
	if in.Status != "" {
		h.status = in.Status
		if in.Status == "active" {
			h.failures = nil
		}
	}
	return http.StatusOK, e.renderHook(h)
}

func (e *Emulator) webhooksDelete(c *call) (int, any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	h := e.ownHook(c)
	if h == nil {
		return http.StatusNotFound, errNotFound
	}
	delete(e.st.hooks, h.id)
	for i, x := range e.st.hookList {
		if x == h {
			e.st.hookList = append(e.st.hookList[:i], e.st.hookList[i+1:]...)
			break
		}
	}
	return http.StatusNoContent, nil
}
