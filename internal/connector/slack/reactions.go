package slack

import (
	"context"
	"regexp"
	"strings"

	"github.com/slack-go/slack"

	"parley/internal/core"
	"parley/internal/emoji"
)

// fallbackReaction stands for an emoji Slack has no name for: a character
// outside its catalogue, another platform's custom emoji, a Slack custom
// emoji this workspace lacks. reactions.add refuses such names with
// invalid_name; people then see that someone reacted, if not with what.
const fallbackReaction = "speech_balloon"

// customName is the shape of a Slack emoji name that is not a standard
// one: it may be a custom emoji of the workspace, which only Slack knows.
var customName = regexp.MustCompile(`^[a-z0-9_+'\-]{1,100}$`)

// reactionName is the name to react with in Slack for an emoji as events
// carry it: a short name ("tada"), which stays, or characters ("🎉", as
// Teams and Google Chat send unknown ones), which become Slack's name.
func reactionName(e string) string {
	name := strings.Trim(e, ":")
	if emoji.Known(name) {
		return name
	}
	if n, ok := emoji.Name(e); ok {
		return n
	}
	if customName.MatchString(name) {
		return name
	}
	return fallbackReaction
}

// React adds the bot's reaction; reacting twice is not an error. A name
// Slack refuses is replaced by fallbackReaction.
func (c *Client) React(ctx context.Context, ch core.ChannelID, id core.MessageID, e string) error {
	return c.reaction(ctx, "reactions.add", c.api.AddReactionContext, "already_reacted", ch, id, e)
}

// Unreact removes the bot's reaction; removing an absent one is not an
// error. It removes what React added, fallback included.
func (c *Client) Unreact(ctx context.Context, ch core.ChannelID, id core.MessageID, e string) error {
	return c.reaction(ctx, "reactions.remove", c.api.RemoveReactionContext, "no_reaction", ch, id, e)
}

func (c *Client) reaction(ctx context.Context, op string, call func(context.Context, string, slack.ItemRef) error,
	harmless string, ch core.ChannelID, id core.MessageID, e string) error {
	ref := slack.NewRefToMessage(string(ch), string(id))
	name := reactionName(e)
	err := call(ctx, name, ref)
	if code, ok := errorCode(err); ok && code == "invalid_name" && name != fallbackReaction {
		err = call(ctx, fallbackReaction, ref)
	}
	return mapError(op, ignoreCode(err, harmless))
}
