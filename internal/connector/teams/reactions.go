package teams

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

// Teams has no API for a bot to react (Graph's setReaction is delegated
// only), so reactions relayed into Teams are drawn:
//
//   - on a message the bot posted, as a footer line of its card,
//     "👍 2 · 🎉 1", redrawn on every change;
//   - on anyone else's message, which a bot cannot edit, as one small card
//     in the message's thread with the same line, edited as counts change
//     and deleted when the last reaction goes.
//
// The counts live in memory (bounded, for a day) and, when the Config has
// a ReactionStore, there too, so that a restart goes on counting instead
// of drawing "👍 1" again. Re-reading the message instead would need
// Graph's protected ChannelMessage.Read.All and would still not say which
// reactions were ours. The bot's cards are content and stay in memory
// only: after a restart, or a day later, a reaction to a bot message is
// drawn in its thread like one to a person's message.

// ReactionStore keeps each message's reaction state: emoji short names,
// counts and the ID of the thread card, never message content. Keys are
// the client's tenant, channel and message; an implementation stores them
// pseudonymised. Load reports false for a message never saved.
type ReactionStore interface {
	LoadReactions(ctx context.Context, tenant core.TenantID, ch core.ChannelID, id core.MessageID) ([]byte, bool, error)
	SaveReactions(ctx context.Context, tenant core.TenantID, ch core.ChannelID, id core.MessageID, state []byte) error
}

// savedReactions is reactionState as a ReactionStore keeps it.
type savedReactions struct {
	Order  []string       `json:"order"`
	Counts map[string]int `json:"counts"`
	Reply  core.MessageID `json:"reply,omitempty"`
}

// reactionState is what the client shows for one message's reactions.
type reactionState struct {
	counts map[string]int
	order  []string       // emoji in the order first seen
	reply  core.MessageID // the thread card, for messages not ours
}

func (s *reactionState) footer() []string {
	var parts []string
	for _, e := range s.order {
		if n := s.counts[e]; n > 0 {
			parts = append(parts, emojiChar(e)+" "+strconv.Itoa(n))
		}
	}
	return parts
}

func emojiChar(name string) string {
	if c, ok := richtext.TeamsEmojiChar(name); ok {
		return c
	}
	return ":" + name + ":"
}

// React adds one to emoji's count on message id.
func (c *Client) React(ctx context.Context, ch core.ChannelID, id core.MessageID, emoji string) error {
	return c.changeReaction(ctx, ch, id, emoji, +1)
}

// Unreact takes one from emoji's count; removing an absent one is not an
// error.
func (c *Client) Unreact(ctx context.Context, ch core.ChannelID, id core.MessageID, emoji string) error {
	return c.changeReaction(ctx, ch, id, emoji, -1)
}

func (c *Client) changeReaction(ctx context.Context, ch core.ChannelID, id core.MessageID, emoji string, delta int) error {
	emoji = strings.Trim(emoji, ":")
	if emoji == "" {
		return errors.New("teams react: no emoji")
	}
	// One change at a time: each redraws from the counts, and two
	// concurrent redraws could land in the wrong order.
	c.reactMu.Lock()
	defer c.reactMu.Unlock()

	key := msgKey{ch, id}
	st, ok := c.reactions.Get(key)
	if !ok {
		var err error
		if st, ok, err = c.loadReactions(ctx, key); err != nil {
			return err
		}
	}
	if !ok {
		if delta < 0 {
			return nil
		}
		st = &reactionState{counts: map[string]int{}}
	}
	before := st.counts[emoji]
	after := max(before+delta, 0)
	if after == before {
		return nil
	}
	if !slices.Contains(st.order, emoji) {
		st.order = append(st.order, emoji)
	}
	st.counts[emoji] = after
	if err := c.drawReactions(ctx, key, st); err != nil {
		st.counts[emoji] = before
		return err
	}
	c.reactions.Put(key, st)
	return c.saveReactions(ctx, key, st)
}

// loadReactions reads a message's state from the ReactionStore, if any.
func (c *Client) loadReactions(ctx context.Context, key msgKey) (*reactionState, bool, error) {
	rs := c.conn.cfg.Reactions
	if rs == nil {
		return nil, false, nil
	}
	b, ok, err := rs.LoadReactions(ctx, c.tenant, key.ch, key.id)
	if err != nil || !ok {
		if err != nil {
			err = fmt.Errorf("teams react: load reaction counts: %w", err)
		}
		return nil, false, err
	}
	var saved savedReactions
	if err := json.Unmarshal(b, &saved); err != nil {
		return nil, false, fmt.Errorf("teams react: saved reaction counts unreadable: %w", err)
	}
	st := &reactionState{counts: saved.Counts, order: saved.Order, reply: saved.Reply}
	if st.counts == nil {
		st.counts = map[string]int{}
	}
	return st, true, nil
}

// saveReactions writes st to the ReactionStore, if any. The change is
// drawn already; a failed save only means a later restart counts from an
// older state.
func (c *Client) saveReactions(ctx context.Context, key msgKey, st *reactionState) error {
	rs := c.conn.cfg.Reactions
	if rs == nil {
		return nil
	}
	b, err := json.Marshal(savedReactions{Order: st.order, Counts: st.counts, Reply: st.reply})
	if err != nil {
		return fmt.Errorf("teams react: encode reaction counts: %w", err)
	}
	if err := rs.SaveReactions(ctx, c.tenant, key.ch, key.id, b); err != nil {
		c.conn.cfg.Logger.Warn("reaction counts not saved: a restart will count from an older state", "err", err)
	}
	return nil
}

// drawReactions shows st on the message: in the bot's own card, or in the
// thread card.
func (c *Client) drawReactions(ctx context.Context, key msgKey, st *reactionState) error {
	footer := st.footer()
	if own, ok := c.own.Get(key); ok {
		own.footer = footer
		if err := c.update(ctx, key.ch, key.id, own.activity()); err != nil {
			return err
		}
		c.own.Put(key, own)
		return nil
	}
	switch {
	case len(footer) == 0 && st.reply != "":
		err := c.Delete(ctx, key.ch, st.reply)
		if err != nil && !errors.Is(err, connector.ErrNotFound) {
			return err
		}
		st.reply = ""
		return nil
	case len(footer) == 0:
		return nil
	case st.reply != "":
		return c.update(ctx, key.ch, st.reply, reactionCard(footer))
	}
	id, err := c.reply(ctx, key.ch, key.id, reactionCard(footer))
	if err != nil {
		return err
	}
	st.reply = id
	return nil
}

// reactionCard is the small card that shows reactions from linked
// channels on a message the bot cannot edit.
func reactionCard(footer []string) outActivity {
	line := strings.Join(footer, " · ")
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body": []any{map[string]any{
			"type": "TextBlock", "text": line, "isSubtle": true, "size": "Small", "wrap": true,
		}},
		"fallbackText": line,
	}
	return outActivity{Type: "message", Summary: line, Attachments: []outAttachment{{ContentType: ctAdaptiveCard, Content: card}}}
}
