package gchat

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Workspace Events types Parley relays.
const (
	ceMessageCreated  = "google.workspace.chat.message.v1.created"
	ceMessageUpdated  = "google.workspace.chat.message.v1.updated"
	ceMessageDeleted  = "google.workspace.chat.message.v1.deleted"
	ceReactionCreated = "google.workspace.chat.reaction.v1.created"
	ceReactionDeleted = "google.workspace.chat.reaction.v1.deleted"
)

// relayedTypes are the event types a subscription asks for.
var relayedTypes = []string{ceMessageCreated, ceMessageUpdated, ceMessageDeleted, ceReactionCreated, ceReactionDeleted}

// cloudEvent is a Workspace Event unpacked from a Pub/Sub push.
type cloudEvent struct {
	ID      string
	Type    string
	Source  string // //chat.googleapis.com/spaces/S
	Subject string // //chat.googleapis.com/spaces/S/messages/M
	Time    time.Time
	Data    eventData
}

// parsePush decodes a Pub/Sub push body into its CloudEvent. Pub/Sub
// carries CloudEvent attributes as ce-* message attributes (binary content
// mode) and the event data as the message data.
func parsePush(body []byte) (cloudEvent, error) {
	var req pushRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return cloudEvent{}, errors.New("malformed push JSON")
	}
	if req.Message == nil {
		return cloudEvent{}, errors.New("push has no message")
	}
	a := req.Message.Attributes
	ev := cloudEvent{ID: a["ce-id"], Type: a["ce-type"], Source: a["ce-source"], Subject: a["ce-subject"]}
	if ev.ID == "" || ev.Type == "" {
		return cloudEvent{}, errors.New("push is not a CloudEvent")
	}
	if t, err := time.Parse(time.RFC3339Nano, a["ce-time"]); err == nil {
		ev.Time = t.UTC()
	}
	data, err := base64.StdEncoding.DecodeString(req.Message.Data)
	if err != nil {
		return cloudEvent{}, errors.New("push data is not base64")
	}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &ev.Data); err != nil {
			return cloudEvent{}, errors.New("malformed event data")
		}
	}
	return ev, nil
}

// spaceOf returns the space ("spaces/S") of a resource name such as
// spaces/S/messages/M, or of a full name such as
// //chat.googleapis.com/spaces/S.
func spaceOf(name string) string {
	name = strings.TrimPrefix(name, "//chat.googleapis.com/")
	rest, ok := strings.CutPrefix(name, "spaces/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	if id == "" {
		return ""
	}
	return "spaces/" + id
}

// messageOfReaction returns spaces/S/messages/M for
// spaces/S/messages/M/reactions/R.
func messageOfReaction(name string) string {
	msg, _, ok := strings.Cut(name, "/reactions/")
	if !ok || spaceOf(msg) == "" || !strings.Contains(msg, "/messages/") {
		return ""
	}
	return msg
}
