package webex

import (
	"encoding/json"
	"errors"
)

// envelope is a webhook delivery: IDs only. Only the fields Parley uses
// are read.
type envelope struct {
	ID       string `json:"id"`
	Resource string `json:"resource"`
	Event    string `json:"event"`
	OrgID    string `json:"orgId"`
	ActorID  string `json:"actorId"`
	Data     struct {
		ID          string `json:"id"`
		RoomID      string `json:"roomId"`
		RoomType    string `json:"roomType"`
		PersonID    string `json:"personId"`
		PersonEmail string `json:"personEmail"`
		ParentID    string `json:"parentId"`
		Created     string `json:"created"`
	} `json:"data"`
}

var errMalformed = errors.New("malformed webhook payload")

// parseEnvelope decodes a delivery and checks the fields every event needs.
func parseEnvelope(body []byte) (envelope, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return env, errMalformed
	}
	if env.ID == "" || env.Resource == "" || env.Event == "" || env.Data.ID == "" {
		return env, errMalformed
	}
	return env, nil
}
