package gchat

import (
	"encoding/json"
	"regexp"
	"strings"

	"parley/internal/emulator"
)

// maxMessageBytes is Chat's message size limit.
const maxMessageBytes = 32000

// clientIDPattern is Chat's rule for custom message IDs: "client-", then
// lowercase letters, digits and hyphens, at most 63 characters in all.
var clientIDPattern = regexp.MustCompile(`^client-[a-z0-9-]{1,56}$`)

// createInput is the part of a Message body create and update read.
type createInput struct {
	Text    string          `json:"text"`
	CardsV2 json.RawMessage `json:"cardsV2"`
	Thread  struct {
		Name      string `json:"name"`
		ThreadKey string `json:"threadKey"`
	} `json:"thread"`
	Attachment []struct {
		AttachmentDataRef struct {
			ResourceName          string `json:"resourceName"`
			AttachmentUploadToken string `json:"attachmentUploadToken"`
		} `json:"attachmentDataRef"`
	} `json:"attachment"`
}

type createParams struct {
	replyOption, messageID, requestID, threadKey string
}

func hasCards(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s != "" && s != "null" && s != "[]"
}

// checkContent validates text, cards and attachments of a create or update.
func (e *Emulator) checkContent(s *space, p *principal, in createInput) ([]*attachment, *apiError) {
	if len(in.Text)+len(in.CardsV2) > maxMessageBytes {
		return nil, errInvalid("Message exceeds the maximum size of %d bytes.", maxMessageBytes)
	}
	if hasCards(in.CardsV2) && !p.isApp() {
		return nil, errDenied("Cards can only be sent with app authentication.")
	}
	var atts []*attachment
	for _, a := range in.Attachment {
		if p.isApp() {
			return nil, errDenied("Attachments can only be sent with user authentication.")
		}
		up := e.st.uploads[a.AttachmentDataRef.AttachmentUploadToken]
		if up == nil && a.AttachmentDataRef.ResourceName != "" {
			up = e.st.media[a.AttachmentDataRef.ResourceName]
		}
		if up == nil || up.space != s.name || up.uploader != p.id() {
			return nil, errInvalid("Invalid attachment data reference.")
		}
		atts = append(atts, &attachment{up: up})
	}
	return atts, nil
}

// createMessage is spaces.messages.create after authentication; the caller
// holds e.mu.
func (e *Emulator) createMessage(s *space, p *principal, in createInput, cp createParams) (*message, *apiError) {
	if cp.requestID != "" {
		if m := s.requestIDs[p.id()+"|"+cp.requestID]; m != nil {
			return m, nil
		}
	}
	atts, ae := e.checkContent(s, p, in)
	if ae != nil {
		return nil, ae
	}
	if strings.TrimSpace(in.Text) == "" && !hasCards(in.CardsV2) && len(atts) == 0 {
		return nil, errInvalid("Message cannot be empty. Discarded message with empty text.")
	}
	if cp.messageID != "" {
		if !clientIDPattern.MatchString(cp.messageID) {
			return nil, errInvalid("Invalid custom message ID: it must start with client- and contain only lowercase letters, numbers and hyphens, up to 63 characters.")
		}
		if s.clientIDs[cp.messageID] != nil {
			return nil, errExists("Message with custom ID %s already exists.", cp.messageID)
		}
	}
	key := in.Thread.ThreadKey
	if key == "" {
		key = cp.threadKey
	}
	thread, reply := "", false
	switch cp.replyOption {
	case "", "MESSAGE_REPLY_OPTION_UNSPECIFIED":
		key = "" // a new thread; Chat ignores thread name and key
	case "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD", "REPLY_MESSAGE_OR_FAIL":
		// REPLY_MESSAGE_OR_FAIL fails only when the thread to reply to
		// cannot be found: a thread key not used before starts a new
		// thread under it, as with the fallback option (Chat API,
		// CreateMessageRequest.MessageReplyOption).
		switch {
		case in.Thread.Name != "" && s.threads[in.Thread.Name]:
			thread, reply = in.Thread.Name, true
		case key != "" && s.threadKeys[p.id()+"|"+key] != "":
			thread, reply = s.threadKeys[p.id()+"|"+key], true
		case cp.replyOption == "REPLY_MESSAGE_OR_FAIL" && (in.Thread.Name != "" || key == ""):
			return nil, errNotFound("Thread not found.")
		}
	default:
		return nil, errInvalid("Invalid value for messageReplyOption: %s", emulator.Echo(cp.replyOption))
	}
	var id string
	if reply {
		id = strings.TrimPrefix(thread, s.name+"/threads/") + "." + e.newOpaqueID()
	} else {
		tid := e.newOpaqueID()
		thread = s.name + "/threads/" + tid
		id = tid + "." + tid
		s.threads[thread] = true
		if key != "" {
			s.threadKeys[p.id()+"|"+key] = thread
		}
	}
	m := &message{
		name: s.name + "/messages/" + id, space: s.name, thread: thread, threadReply: reply,
		senderName: p.id(), senderBot: p.isApp(), text: e.resolveMentions(in.Text, p),
		clientID: cp.messageID, created: e.now(), attachments: atts,
	}
	if key != "" {
		m.threadKey = key
	}
	if hasCards(in.CardsV2) {
		m.cardsV2 = in.CardsV2
	}
	for _, a := range atts {
		a.name = m.name + "/attachments/" + e.newOpaqueID()
	}
	s.msgs = append(s.msgs, m)
	e.st.messages[m.name] = m
	if cp.messageID != "" {
		s.clientIDs[cp.messageID] = m
	}
	if cp.requestID != "" {
		s.requestIDs[p.id()+"|"+cp.requestID] = m
	}
	e.emitCreated(s, p, m)
	return m, nil
}

// emitCreated tells apps about a new message: a MESSAGE interaction event
// to apps a person @mentioned (or to the app of a DM), and Workspace
// Events to subscriptions. Messages of apps never trigger interaction
// events.
func (e *Emulator) emitCreated(s *space, p *principal, m *message) {
	if !p.isApp() {
		_, _, mentions := e.plainText(m.text)
		for _, a := range s.apps {
			hit := s.dmApp == a
			for _, mn := range mentions {
				hit = hit || mn.user == a.userName
			}
			if hit {
				e.sendInteraction(a, interactionEvent(e, "MESSAGE", s, p.user, m))
			}
		}
	}
	e.publish(s, "google.workspace.chat.message.v1.created", m.name, func(full bool) any {
		if !full {
			return map[string]any{"message": map[string]any{"name": m.name}}
		}
		return map[string]any{"message": e.messageJSON(m, true)}
	})
}

// findMessage resolves the {message} path segment (a system ID or a
// client-assigned ID) to a live message of s.
func (e *Emulator) findMessage(s *space, id string) (*message, *apiError) {
	var m *message
	if strings.HasPrefix(id, "client-") {
		m = s.clientIDs[id]
	} else {
		m = e.st.messages[s.name+"/messages/"+id]
	}
	if m == nil || m.deleted {
		return nil, errNotFound("Message not found.")
	}
	return m, nil
}
