package gchat

import (
	"strings"

	chat "google.golang.org/api/chat/v1"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

// authorCardID names the card that shows who wrote a relayed message.
const authorCardID = "parley-author"

// authorCard is a card whose header names the author, with their avatar:
// an app cannot post as a person, and a header reads as a byline. No card
// is sent without a name.
func authorCard(a core.Author) []*chat.CardWithId {
	name := strings.TrimSpace(a.Name)
	if name == "" {
		return nil
	}
	h := &chat.GoogleAppsCardV1CardHeader{Title: name}
	if strings.HasPrefix(a.Avatar, "https://") {
		h.ImageUrl = a.Avatar
		h.ImageType = "CIRCLE"
		h.ImageAltText = name
	}
	return []*chat.CardWithId{{CardId: authorCardID, Card: &chat.GoogleAppsCardV1Card{Header: h}}}
}

// bylineText is the text of a message posted without a card (with user
// auth, which cannot send cards): the author's name in bold, then the body.
func bylineText(m connector.Message) string {
	name := strings.TrimSpace(m.Author.Name)
	body := richtext.RenderGChat(m.Body)
	if name == "" {
		return body
	}
	doc := richtext.Doc{Nodes: []richtext.Node{{Kind: richtext.Bold, Children: []richtext.Node{{Kind: richtext.Text, Text: name}}}}}
	prefix := richtext.RenderGChat(doc)
	if body == "" {
		return prefix
	}
	return prefix + ": " + body
}
