package gchat

import "time"

// The Chat resources as Workspace Events carry them, reduced to the fields
// Parley relays; everything else in the payload is ignored.

type wireUser struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Email       string `json:"email"`
	Type        string `json:"type"` // HUMAN or BOT
	AvatarURL   string `json:"avatarUrl"`
}

type wireThread struct {
	Name string `json:"name"`
}

type wireAnnotation struct {
	Type        string `json:"type"`
	UserMention *struct {
		User wireUser `json:"user"`
	} `json:"userMention"`
}

type wireAttachment struct {
	Name              string `json:"name"`
	ContentName       string `json:"contentName"`
	ContentType       string `json:"contentType"`
	Source            string `json:"source"`
	AttachmentDataRef *struct {
		ResourceName string `json:"resourceName"`
	} `json:"attachmentDataRef"`
}

type wireMessage struct {
	Name                    string           `json:"name"`
	Sender                  *wireUser        `json:"sender"`
	CreateTime              string           `json:"createTime"`
	LastUpdateTime          string           `json:"lastUpdateTime"`
	DeleteTime              string           `json:"deleteTime"`
	Text                    string           `json:"text"`
	FormattedText           string           `json:"formattedText"`
	Annotations             []wireAnnotation `json:"annotations"`
	Thread                  *wireThread      `json:"thread"`
	ThreadReply             bool             `json:"threadReply"`
	Attachment              []wireAttachment `json:"attachment"`
	ClientAssignedMessageID string           `json:"clientAssignedMessageId"`
}

type wireReaction struct {
	Name  string    `json:"name"`
	User  *wireUser `json:"user"`
	Emoji *struct {
		Unicode     string `json:"unicode"`
		CustomEmoji *struct {
			UID string `json:"uid"`
		} `json:"customEmoji"`
	} `json:"emoji"`
}

// wireSubscription is the subscription a lifecycle event is about. Google's
// docs show its fields in snake_case in one example and the API in
// camelCase, so both spellings are read.
type wireSubscription struct {
	Name            string `json:"name"`
	ExpireTime      string `json:"expireTime"`
	ExpireTimeSnake string `json:"expire_time"`
}

// expire is the subscription's expireTime, zero when absent or malformed.
func (s *wireSubscription) expire() time.Time {
	if s == nil {
		return time.Time{}
	}
	v := s.ExpireTime
	if v == "" {
		v = s.ExpireTimeSnake
	}
	t, _ := time.Parse(time.RFC3339Nano, v)
	return t
}

// eventData is the JSON in a CloudEvent's data: one resource, by kind.
type eventData struct {
	Message      *wireMessage      `json:"message"`
	Reaction     *wireReaction     `json:"reaction"`
	Subscription *wireSubscription `json:"subscription"`
}

// pushRequest is a Pub/Sub push delivery.
type pushRequest struct {
	Message *struct {
		Attributes  map[string]string `json:"attributes"`
		Data        string            `json:"data"` // base64
		MessageID   string            `json:"messageId"`
		PublishTime string            `json:"publishTime"`
	} `json:"message"`
	Subscription string `json:"subscription"`
}

// interactionEvent is an interaction event, reduced to what decides
// whether it matters.
type interactionEvent struct {
	Type  string `json:"type"`
	Space *struct {
		Name string `json:"name"`
	} `json:"space"`
}
