package gchat

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"parley/internal/emulator"
	"parley/internal/emulator/ids"
)

const (
	chatTarget = "//chat.googleapis.com/"
	// Subscription lifetimes Google allows for Chat: 4 hours with resource
	// data in events, 7 days without.
	maxTTLWithResource = 4 * time.Hour
	maxTTLNoResource   = 7 * 24 * time.Hour
	subscriptionType   = "type.googleapis.com/google.apps.events.subscriptions.v1.Subscription"
)

// Subscription states and the suspension reasons the emulator gives
// (the API's State and ErrorType enums).
const (
	stateActive    = "ACTIVE"
	stateSuspended = "SUSPENDED"
)

var suspensionReasons = map[string]bool{"USER_SCOPE_REVOKED": true, "RESOURCE_DELETED": true,
	"USER_AUTHORIZATION_FAILURE": true, "ENDPOINT_PERMISSION_DENIED": true, "ENDPOINT_NOT_FOUND": true,
	"ENDPOINT_RESOURCE_EXHAUSTED": true, "OTHER": true}

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
	updated         time.Time
	expire          time.Time
	state           string // stateActive or stateSuspended
	suspension      string // the reason, while suspended
	// reminded lists the expiration reminders (lead times before expire)
	// already sent for the current expire.
	reminded []time.Duration
	seq      int // creation order, so fan-out is deterministic
}

// maxTTL is the longest life the subscription's payload options allow.
func (sub *subscription) maxTTL() time.Duration {
	if sub.includeResource {
		return maxTTLWithResource
	}
	return maxTTLNoResource
}

// covers reports whether s's events reach sub now.
func (sub *subscription) covers(s *space, typ string, now time.Time) bool {
	if sub.state != stateActive || !now.Before(sub.expire) || !slices.Contains(sub.eventTypes, typ) {
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
			return nil, errInvalid("Unsupported event type: %s", emulator.Echo(t))
		}
		us, as, _ := eventScopes(t)
		if ae := c.needScopes(us, as, ""); ae != nil {
			return nil, ae
		}
	}
	now := e.now()
	sub := &subscription{target: in.TargetResource, eventTypes: slices.Clone(in.EventTypes),
		includeResource: in.PayloadOptions.IncludeResource, created: now, updated: now, state: stateActive}
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
			return nil, errDenied("The caller does not have access to %s.", emulator.Echo(in.TargetResource))
		}
		sub.space = s.name
	}
	topic := in.NotificationEndpoint.PubsubTopic
	if parts := strings.Split(topic, "/"); len(parts) != 4 || parts[0] != "projects" || parts[2] != "topics" || parts[1] == "" || parts[3] == "" {
		return nil, errInvalid("notificationEndpoint.pubsubTopic must be projects/{project}/topics/{topic}.")
	}
	if e.st.topics[topic] == nil {
		return nil, errNotFound("Pub/Sub topic %s not found.", emulator.Echo(topic))
	}
	sub.topic = topic
	ttl, ae := lifetime(in.TTL, in.ExpireTime, now, sub.maxTTL())
	if ae != nil {
		return nil, ae
	}
	sub.expire = now.Add(ttl)
	for _, other := range e.st.subs {
		if other.target == sub.target && other.authUser == sub.authUser && other.authApp == sub.authApp &&
			now.Before(other.expire) && overlaps(other.eventTypes, sub.eventTypes) {
			return nil, errExists("A subscription for this target resource and event types already exists: %s", other.name)
		}
	}
	sub.name = "subscriptions/chat-spaces-" + ids.String(ids.Alnum, 40)
	sub.uid = ids.String(ids.Alnum, 24)
	sub.seq = len(e.st.subs) + 1
	for _, other := range e.st.subs {
		sub.seq = max(sub.seq, other.seq+1)
	}
	e.st.subs[sub.name] = sub
	e.lifecycleChanged()
	return e.operation(subscriptionType, e.subscriptionJSON(sub)), nil
}

// lifetime is a subscription's life from its ttl or expireTime (at most
// one set), capped at max: unset or "0s" is the maximum, as the API
// documents; longer asks are held to it.
func lifetime(ttl, expireTime string, now time.Time, max time.Duration) (time.Duration, *apiError) {
	switch {
	case ttl != "" && expireTime != "":
		return 0, errInvalid("Only one of ttl and expireTime may be set.")
	case ttl != "":
		d, err := parseDuration(ttl)
		if err != nil || d < 0 {
			return 0, errInvalid("Invalid ttl.")
		}
		if d == 0 {
			return max, nil
		}
		return min(d, max), nil
	case expireTime != "":
		t, err := time.Parse(time.RFC3339Nano, expireTime)
		if err != nil || !t.After(now) {
			return 0, errInvalid("Invalid expireTime.")
		}
		return min(t.Sub(now), max), nil
	}
	return max, nil
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
	op := map[string]any{"name": "operations/" + ids.String(ids.Alnum, 32), "done": true, "response": r}
	b, _ := json.Marshal(op)
	e.st.ops[op["name"].(string)] = b
	return op
}

func (e *Emulator) subscriptionJSON(sub *subscription) map[string]any {
	out := map[string]any{
		"name": sub.name, "uid": sub.uid, "targetResource": sub.target, "eventTypes": sub.eventTypes,
		"notificationEndpoint": map[string]any{"pubsubTopic": sub.topic},
		"payloadOptions":       map[string]any{"includeResource": sub.includeResource},
		"state":                sub.state, "createTime": ts(sub.created), "updateTime": ts(sub.updated),
		"expireTime": ts(sub.expire), "etag": strconv.Quote(sub.uid + "-" + strconv.FormatInt(sub.updated.UnixNano(), 36)),
	}
	if sub.suspension != "" {
		out["suspensionReason"] = sub.suspension
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
	c.e.lifecycleChanged()
	return c.e.operation("type.googleapis.com/google.protobuf.Empty", nil), nil
}

// needSubscriptionScopes checks the caller may manage sub: the scopes its
// event types need, as for create.
func (c *call) needSubscriptionScopes(sub *subscription) *apiError {
	for _, t := range sub.eventTypes {
		us, as, _ := eventScopes(t)
		if ae := c.needScopes(us, as, ""); ae != nil {
			return ae
		}
	}
	return nil
}

// apiSubscriptionsPatch updates or renews a subscription: updateMask
// names ttl or expireTime (or is left out, and the body says which); ttl
// "0s" renews for the longest life the payload options allow, counted
// from now. Reminders start over for the new expireTime.
func apiSubscriptionsPatch(c *call) (any, *apiError) {
	sub, ae := c.ownSubscription()
	if ae != nil {
		return nil, ae
	}
	if ae := c.needSubscriptionScopes(sub); ae != nil {
		return nil, ae
	}
	var in subscriptionInput
	if ae := decode(c.body, &in); ae != nil {
		return nil, ae
	}
	q := c.r.URL.Query()
	if mask := q.Get("updateMask"); mask != "" {
		for _, f := range strings.Split(mask, ",") {
			switch strings.TrimSpace(f) {
			case "ttl", "expireTime", "expire_time":
			default:
				return nil, errInvalid("Unsupported update mask field: %s. Only ttl and expireTime can be updated.", emulator.Echo(f))
			}
		}
		if !strings.Contains(mask, "ttl") {
			in.TTL = ""
		}
		if !strings.Contains(mask, "expire") {
			in.ExpireTime = ""
		}
	}
	now := c.e.now()
	ttl, ae := lifetime(in.TTL, in.ExpireTime, now, sub.maxTTL())
	if ae != nil {
		return nil, ae
	}
	if q.Get("validateOnly") == "true" {
		preview := *sub
		preview.expire, preview.updated = now.Add(ttl), now
		return c.e.operation(subscriptionType, c.e.subscriptionJSON(&preview)), nil
	}
	sub.expire, sub.updated, sub.reminded = now.Add(ttl), now, nil
	c.e.lifecycleChanged()
	return c.e.operation(subscriptionType, c.e.subscriptionJSON(sub)), nil
}

// apiSubscriptionsPost serves the custom methods on a subscription; the
// only one is :reactivate.
func apiSubscriptionsPost(c *call) (any, *apiError) {
	id, ok := strings.CutSuffix(c.r.PathValue("sub"), ":reactivate")
	if !ok {
		return nil, errNotFound("Method not found.")
	}
	c.r.SetPathValue("sub", id)
	return apiSubscriptionsReactivate(c)
}

// apiSubscriptionsReactivate resumes a suspended subscription. It keeps
// its expireTime (the API says so) and rejects a subscription that is not
// suspended.
func apiSubscriptionsReactivate(c *call) (any, *apiError) {
	sub, ae := c.ownSubscription()
	if ae != nil {
		return nil, ae
	}
	if ae := c.needSubscriptionScopes(sub); ae != nil {
		return nil, ae
	}
	if sub.state != stateSuspended {
		return nil, errPrecondition("Subscription %s is not suspended.", sub.name)
	}
	sub.state, sub.suspension, sub.updated = stateActive, "", c.e.now()
	return c.e.operation(subscriptionType, c.e.subscriptionJSON(sub)), nil
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
