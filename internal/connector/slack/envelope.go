package slack

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Envelope types Slack posts to the request URL.
const (
	typeURLVerification = "url_verification"
	typeEventCallback   = "event_callback"
)

// envelope is the outer Events API payload. Only the fields Parley acts on
// are decoded; everything else Slack sends is ignored.
type envelope struct {
	Type      string      `json:"type"`
	Challenge string      `json:"challenge"`
	TeamID    string      `json:"team_id"`
	APIAppID  string      `json:"api_app_id"`
	EventID   string      `json:"event_id"`
	EventTime int64       `json:"event_time"`
	Event     *innerEvent `json:"event"`
}

// innerEvent is the union of the inner event shapes Parley relays:
// message (with its subtypes) and reaction_added/removed.
type innerEvent struct {
	Type    string `json:"type"`
	Subtype string `json:"subtype"`
	Channel string `json:"channel"`
	EventTS string `json:"event_ts"`

	// The message itself, for type "message" without a hidden subtype.
	msgFields

	Message         *msgFields `json:"message"`          // message_changed: the new version
	PreviousMessage *msgFields `json:"previous_message"` // message_changed, message_deleted
	DeletedTS       string     `json:"deleted_ts"`       // message_deleted

	// reaction_added / reaction_removed
	Reaction string        `json:"reaction"`
	Item     *reactionItem `json:"item"`
}

// msgFields are the fields of a Slack message object that Parley reads,
// whether at the top of a message event or nested in message_changed.
type msgFields struct {
	User     string      `json:"user"`
	Text     string      `json:"text"`
	TS       string      `json:"ts"`
	ThreadTS string      `json:"thread_ts"`
	BotID    string      `json:"bot_id"`
	AppID    string      `json:"app_id"`
	Username string      `json:"username"`
	Files    []slackFile `json:"files"`
}

// reactionItem is what a reaction was added to.
type reactionItem struct {
	Type    string `json:"type"`
	Channel string `json:"channel"`
	TS      string `json:"ts"`
}

// slackFile is a file object inside a message.
type slackFile struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Title              string `json:"title"`
	Mimetype           string `json:"mimetype"`
	Size               int64  `json:"size"`
	URLPrivateDownload string `json:"url_private_download"`
	// FileAccess is "check_file_info" for the stubs Slack sends in Slack
	// Connect channels: only files.info has the rest.
	FileAccess string `json:"file_access"`
}

// fileAccessCheck marks a file stub whose details only files.info has.
const fileAccessCheck = "check_file_info"

var errNoType = errors.New("envelope has no type")

// parseEnvelope decodes an Events API body. It accepts any JSON Slack might
// send and fails only on malformed input; deciding what to relay is
// translate's job.
func parseEnvelope(body []byte) (envelope, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return envelope{}, fmt.Errorf("decode envelope: %w", err)
	}
	if env.Type == "" {
		return envelope{}, errNoType
	}
	return env, nil
}
