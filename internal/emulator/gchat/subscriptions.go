package gchat

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	chatTarget = "//chat.googleapis.com/"
	// Subscription lifetimes Google allows for Chat: 4 hours with resource
	// data in events, 7 days without.
	maxTTLWithResource = 4 * time.Hour
	maxTTLNoResource   = 7 * 24 * time.Hour
	subscriptionType   = "type.googleapis.com/google.apps.events.subscriptions.v1.Subscription"
)

// subscription is a Google Workspace Events subscription to a Chat space.
type subscription struct {
	name, uid       string
	target          string
	space           string // "spaces/X", or "" for spaces/- (every space of the authority)
	eventTypes      []string
	topic           string
	includeResource bool
	authUser        string // user authority, or
	authApp         *app   // app authority
	created         time.Time
	expire          time.Time
	seq             int // creation order, so fan-out is deterministic
}

// covers reports whether s's events reach sub now.
func (sub *subscription) covers(s *space, typ string, now time.Time) bool {
	if !now.Before(sub.expire) || !slices.Contains(sub.eventTypes, typ) {
		return false
	}
	if sub.space != "" && sub.space != s.name {
		return false
	}
	if sub.authApp != nil {
		return s.hasApp(sub.authApp)
	}
	return s.isMember(sub.authUser)
}

// eventScopes are the scopes (short names) a subscription to typ needs,
// for user and for app authority.
func eventScopes(typ string) (userScopes, appScopes []string, ok bool) {
	switch {
	case strings.HasPrefix(typ, "google.workspace.chat.message.v1."):
		return []string{"chat.messages", "chat.messages.readonly"}, []string{"chat.app.messages.readonly"}, true
	case strings.HasPrefix(typ, "google.workspace.chat.reaction.v1."):
		return []string{"chat.messages", "chat.messages.readonly", "chat.messages.reactions", "chat.messages.reactions.readonly"},
			[]string{"chat.app.messages.readonly"}, true
	case strings.HasPrefix(typ, "google.workspace.chat.membership.v1."):
		return []string{"chat.memberships", "chat.memberships.readonly"}, []string{"chat.app.memberships"}, true
	case strings.HasPrefix(typ, "google.workspace.chat.space.v1."):
		return []string{"chat.spaces", "chat.spaces.readonly"}, []string{"chat.app.spaces"}, true
	}
	return nil, nil, false
}

var eventVerbs = map[string]bool{"created": true, "updated": true, "deleted": true,
	"batchCreated": true, "batchUpdated": true, "batchDeleted": true}

func validEventType(typ string) bool {
	i := strings.LastIndexByte(typ, '.')
	if i < 0 || !eventVerbs[typ[i+1:]] {
		return false
	}
	_, _, ok := eventScopes(typ)
	return ok
}

type subscriptionInput struct {
	TargetResource       string   `json:"targetResource"`
	EventTypes           []string `json:"eventTypes"`
	NotificationEndpoint struct {
		PubsubTopic string `json:"pubsubTopic"`
	} `json:"notificationEndpoint"`
	PayloadOptions struct {
		IncludeResource bool   `json:"includeResource"`
		FieldMask       string `json:"fieldMask"`
	} `json:"payloadOptions"`
	TTL        string `json:"ttl"`
	ExpireTime string `json:"expireTime"`
}

func apiSubscriptionsCreate(c *call) (any, *apiError) {
	e := c.e
	var in subscriptionInput
	if ae := decode(c.body, &in); ae != nil {
		return nil, ae
	}
	spaceRef, ok := strings.CutPrefix(in.TargetResource, chatTarget)
	if !ok || !strings.HasPrefix(spaceRef, "spaces/") || strings.Count(spaceRef, "/") != 1 {
		return nil, errInvalid("targetResource must be //chat.googleapis.com/spaces/{space}.")
	}
	if len(in.EventTypes) == 0 {
		return nil, errInvalid("eventTypes must not be empty.")
	}
	for _, t := range in.EventTypes {
		if !validEventType(t) {
			return nil, errInvalid("Unsupported event type: %s", sanitize(t))
		}
		us, as, _ := eventScopes(t)
		if ae := c.needScopes(us, as, ""); ae != nil {
			return nil, ae
		}
	}
	sub := &subscription{target: in.TargetResource, eventTypes: slices.Clone(in.EventTypes),
		includeResource: in.PayloadOptions.IncludeResource, created: e.now()}
	if c.p.isApp() {
		sub.authApp = c.p.app
	} else {
		sub.authUser = c.p.user.name
	}
	if spaceRef == "spaces/-" {
		if c.p.isApp() {
			return nil, errInvalid("spaces/- requires user authentication.")
		}
	} else {
		s := e.st.spaces[spaceRef]
		if s == nil || !s.canAccess(c.p) {
			return nil, errDenied("The caller does not have access to %s.", sanitize(in.TargetResource))
		}
		sub.space = s.name
	}
	topic := in.NotificationEndpoint.PubsubTopic
	if parts := strings.Split(topic, "/"); len(parts) != 4 || parts[0] != "projects" || parts[2] != "topics" || parts[1] == "" || parts[3] == "" {
		return nil, errInvalid("notificationEndpoint.pubsubTopic must be projects/{project}/topics/{topic}.")
	}
	if e.st.topics[topic] == nil {
		return nil, errNotFound("Pub/Sub topic %s not found.", sanitize(topic))
	}
	sub.topic = topic
	maxTTL := maxTTLNoResource
	if sub.includeResource {
		maxTTL = maxTTLWithResource
	}
	ttl := maxTTL
	if in.TTL != "" {
		d, err := parseDuration(in.TTL)
		if err != nil || d < 0 {
			return nil, errInvalid("Invalid ttl.")
		}
		if d > 0 {
			ttl = min(d, maxTTL)
		}
	} else if in.ExpireTime != "" {
		t, err := time.Parse(time.RFC3339Nano, in.ExpireTime)
		if err != nil || !t.After(e.now()) {
			return nil, errInvalid("Invalid expireTime.")
		}
		ttl = min(t.Sub(e.now()), maxTTL)
	}
	sub.expire = sub.created.Add(ttl)
	for _, other := range e.st.subs {
		if other.target == sub.target && other.authUser == sub.authUser && other.authApp == sub.authApp &&
			e.now().Before(other.expire) && overlaps(other.eventTypes, sub.eventTypes) {
			return nil, errExists("A subscription for this target resource and event types already exists: %s", other.name)
		}
	}
	sub.name = "subscriptions/chat-spaces-" + randomString(alnum, 40)
	sub.uid = randomString(alnum, 24)
	sub.seq = len(e.st.subs) + 1
	for _, other := range e.st.subs {
		sub.seq = max(sub.seq, other.seq+1)
	}
	e.st.subs[sub.name] = sub
	return e.operation(subscriptionType, e.subscriptionJSON(sub)), nil
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// parseDuration parses a protobuf Duration in JSON ("3600s", "1.5s").
func parseDuration(s string) (time.Duration, error) {
	v, ok := strings.CutSuffix(s, "s")
	if !ok {
		return 0, strconv.ErrSyntax
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f > 1e9 {
		return 0, strconv.ErrSyntax
	}
	return time.Duration(f * float64(time.Second)), nil
}

// operation records a finished long-running operation, as the Workspace
// Events API returns for create and delete.
func (e *Emulator) operation(typ string, resp map[string]any) map[string]any {
	r := map[string]any{"@type": typ}
	for k, v := range resp {
		r[k] = v
	}
	op := map[string]any{"name": "operations/" + randomString(alnum, 32), "done": true, "response": r}
	b, _ := json.Marshal(op)
	e.st.ops[op["name"].(string)] = b
	return op
}

func (e *Emulator) subscriptionJSON(sub *subscription) map[string]any {
	state := "ACTIVE"
	if !e.now().Before(sub.expire) {
		state = "SUSPENDED"
	}
	out := map[string]any{
		"name": sub.name, "uid": sub.uid, "targetResource": sub.target, "eventTypes": sub.eventTypes,
		"notificationEndpoint": map[string]any{"pubsubTopic": sub.topic},
		"payloadOptions":       map[string]any{"includeResource": sub.includeResource},
		"state":                state, "createTime": ts(sub.created), "updateTime": ts(sub.created),
		"expireTime": ts(sub.expire), "etag": strconv.Quote(sub.uid),
	}
	if sub.authApp != nil {
		out["authority"] = "//iam.googleapis.com/projects/-/serviceAccounts/" + sub.authApp.saEmail
		out["serviceAccountAuthority"] = out["authority"]
	} else {
		out["authority"] = "//cloudidentity.googleapis.com/" + sub.authUser
		out["userAuthority"] = out["authority"]
	}
	return out
}

// ownSubscription finds a subscription the caller created.
func (c *call) ownSubscription() (*subscription, *apiError) {
	sub := c.e.st.subs["subscriptions/"+c.r.PathValue("sub")]
	if sub == nil || (c.p.isApp() && sub.authApp != c.p.app) || (!c.p.isApp() && sub.authUser != c.p.user.name) {
		return nil, errNotFound("Subscription not found.")
	}
	return sub, nil
}

func apiSubscriptionsGet(c *call) (any, *apiError) {
	sub, ae := c.ownSubscription()
	if ae != nil {
		return nil, ae
	}
	return c.e.subscriptionJSON(sub), nil
}

func apiSubscriptionsDelete(c *call) (any, *apiError) {
	sub, ae := c.ownSubscription()
	if ae != nil {
		if c.r.URL.Query().Get("allowMissing") == "true" {
			return c.e.operation("type.googleapis.com/google.protobuf.Empty", nil), nil
		}
		return nil, ae
	}
	delete(c.e.st.subs, sub.name)
	return c.e.operation("type.googleapis.com/google.protobuf.Empty", nil), nil
}

// apiSubscriptionsList lists the caller's subscriptions; the filter
// (required, as in the API) is event_types:"T" [OR …] optionally AND
// target_resource="R".
func apiSubscriptionsList(c *call) (any, *apiError) {
	raw := c.r.URL.Query().Get("filter")
	if raw == "" {
		return nil, errInvalid("filter is required and must name event_types.")
	}
	groups, err := parseFilter(raw)
	if err != nil {
		return nil, errInvalid("Invalid filter: %s.", err.Error())
	}
	var types []string
	target := ""
	for _, g := range groups {
		for _, cd := range g {
			switch {
			case cd.field == "event_types" && cd.op == ":":
				types = append(types, cd.value)
			case cd.field == "target_resource" && cd.op == "=" && len(g) == 1:
				target = cd.value
			default:
				return nil, errInvalid("Invalid filter: unsupported field or operator.")
			}
		}
	}
	if len(types) == 0 {
		return nil, errInvalid("filter must name event_types.")
	}
	var subs []*subscription
	for _, sub := range c.e.st.subs {
		mine := (c.p.isApp() && sub.authApp == c.p.app) || (!c.p.isApp() && sub.authUser == c.p.user.name)
		if mine && overlaps(sub.eventTypes, types) && (target == "" || sub.target == target) {
			subs = append(subs, sub)
		}
	}
	slices.SortFunc(subs, func(a, b *subscription) int { return a.seq - b.seq })
	out := map[string]any{}
	var list []map[string]any
	for _, sub := range subs {
		list = append(list, c.e.subscriptionJSON(sub))
	}
	if len(list) > 0 {
		out["subscriptions"] = list
	}
	return out, nil
}

func apiOperationsGet(c *call) (any, *apiError) {
	op := c.e.st.ops["operations/"+c.r.PathValue("op")]
	if op == nil {
		return nil, errNotFound("Operation not found.")
	}
	return json.RawMessage(op), nil
}
