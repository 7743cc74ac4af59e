package teams

import (
	"encoding/json"
	"strings"
)

// activity is the part of a Bot Framework activity Parley reads. Unknown
// fields are ignored; only what a verified request carried is trusted.
type activity struct {
	Type             string         `json:"type"`
	ID               string         `json:"id"`
	Timestamp        string         `json:"timestamp"`
	ServiceURL       string         `json:"serviceUrl"`
	ChannelID        string         `json:"channelId"`
	From             account        `json:"from"`
	Recipient        account        `json:"recipient"`
	Conversation     conversation   `json:"conversation"`
	ReplyToID        string         `json:"replyToId"`
	Text             string         `json:"text"`
	TextFormat       string         `json:"textFormat"`
	Attachments      []attachment   `json:"attachments"`
	Entities         []entity       `json:"entities"`
	ChannelData      channelData    `json:"channelData"`
	ReactionsAdded   []reactionType `json:"reactionsAdded"`
	ReactionsRemoved []reactionType `json:"reactionsRemoved"`
}

type account struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	AADObjectID string `json:"aadObjectId,omitempty"`
}

type conversation struct {
	ID               string `json:"id"`
	ConversationType string `json:"conversationType"`
	TenantID         string `json:"tenantId"`
}

type attachment struct {
	ContentType string          `json:"contentType"`
	ContentURL  string          `json:"contentUrl,omitempty"`
	Name        string          `json:"name,omitempty"`
	Content     json.RawMessage `json:"content,omitempty"`
}

type entity struct {
	Type      string   `json:"type"`
	Text      string   `json:"text,omitempty"`
	Mentioned *account `json:"mentioned,omitempty"`
}

type idName struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	AADGroupID string `json:"aadGroupId,omitempty"`
}

type channelData struct {
	EventType string  `json:"eventType"`
	Tenant    *idName `json:"tenant"`
	Team      *idName `json:"team"`
	Channel   *idName `json:"channel"`
}

type reactionType struct {
	Type string `json:"type"`
}

// splitConversation separates a channel conversation ID from the thread
// root Teams appends to it ("19:…@thread.tacv2;messageid=123").
func splitConversation(id string) (channel, root string) {
	ch, rest, ok := strings.Cut(id, ";messageid=")
	if !ok {
		return id, ""
	}
	return ch, rest
}

// tenant is the Teams tenant the activity came from.
func (a *activity) tenant() string {
	if a.ChannelData.Tenant != nil && a.ChannelData.Tenant.ID != "" {
		return a.ChannelData.Tenant.ID
	}
	return a.Conversation.TenantID
}

// userID is the ID Parley uses for a person: the Entra object ID, which
// Graph and mentions accept, else the Teams ID.
func (a account) userID() string {
	if a.AADObjectID != "" {
		return a.AADObjectID
	}
	return a.ID
}
