package chaos

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
)

func slackPost(ctx context.Context, c *client, api, token, channel, text, thread string) (string, error) {
	args := url.Values{"channel": {channel}, "text": {text}}
	if thread != "" {
		args.Set("thread_ts", thread)
	}
	var out struct {
		TS string `json:"ts"`
	}
	err := c.slackCall(ctx, api, token, "chat.postMessage", args, &out)
	return out.TS, err
}

type slackMsg struct {
	TS         string `json:"ts"`
	ThreadTS   string `json:"thread_ts"`
	ReplyCount int    `json:"reply_count"`
	raw        string
}

// slackRead lists a channel through conversations.history (newest first,
// top level only) and every thread through conversations.replies.
func slackRead(ctx context.Context, c *client, api, token, channel string) ([]seen, error) {
	top, err := slackPages(ctx, c, api, token, "conversations.history", url.Values{"channel": {channel}, "limit": {"999"}})
	if err != nil {
		return nil, err
	}
	slices.Reverse(top)
	var out []seen
	var threads [][]seen
	for _, m := range top {
		s := seen{id: m.TS, raw: m.raw}
		if m.ThreadTS != "" && m.ThreadTS != m.TS {
			s.thread = m.ThreadTS // a broadcast reply
		}
		out = append(out, s)
		if m.ReplyCount == 0 {
			continue
		}
		replies, err := slackPages(ctx, c, api, token, "conversations.replies", url.Values{"channel": {channel}, "ts": {m.TS}, "limit": {"1000"}})
		if err != nil {
			return nil, err
		}
		var t []seen
		for _, r := range replies {
			if r.TS != m.TS {
				t = append(t, seen{id: r.TS, thread: m.TS, raw: r.raw})
			}
		}
		threads = append(threads, t)
	}
	for _, t := range threads {
		out = append(out, t...)
	}
	return out, nil
}

// slackPages follows next_cursor and returns every message of a listing.
func slackPages(ctx context.Context, c *client, api, token, method string, args url.Values) ([]slackMsg, error) {
	var all []slackMsg
	for {
		var page struct {
			Messages []json.RawMessage `json:"messages"`
			Meta     struct {
				NextCursor string `json:"next_cursor"`
			} `json:"response_metadata"`
		}
		if err := c.slackCall(ctx, api, token, method, args, &page); err != nil {
			return nil, err
		}
		for _, raw := range page.Messages {
			var m slackMsg
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
			m.raw = string(raw)
			all = append(all, m)
		}
		if page.Meta.NextCursor == "" {
			return all, nil
		}
		args.Set("cursor", page.Meta.NextCursor)
	}
}
