package sandbox

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/slack-go/slack"
)

//go:embed ui.html
var uiPage []byte

// ui is the sandbox's web page: the linked channels side by side, read and
// written through each platform's user-facing API with the demo people's
// own tokens — exactly what a person in that workspace sees and does.
type ui struct {
	m      *Manifest
	client *http.Client

	mu    sync.Mutex
	names map[string]string // user ID → name, for display
}

func newUI(m *Manifest, c *http.Client) http.Handler {
	u := &ui{m: m, client: c, names: map[string]string{}}
	token := randomHex(32)
	page := bytes.Replace(uiPage, []byte(pageTokenMarker), []byte(token), 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'")
		w.Header().Set("Cache-Control", "no-store") // it carries the page token
		w.Header().Set("Referrer-Policy", "no-referrer")
		_, _ = w.Write(page)
	})
	mux.Handle("GET /api/state", pageOnly(token, http.HandlerFunc(u.state)))
	mux.Handle("POST /api/post", pageOnly(token, http.HandlerFunc(u.post)))
	return loopbackHostOnly(mux)
}

type uiChannel struct {
	Platform  string      `json:"platform"`
	Workspace string      `json:"workspace"`
	WSName    string      `json:"workspace_name"`
	Channel   string      `json:"channel"`
	Name      string      `json:"name"`
	People    []uiPerson  `json:"people"`
	Messages  []uiMessage `json:"messages"`
	Error     string      `json:"error,omitempty"`
}

type uiPerson struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type uiMessage struct {
	TS        string      `json:"ts"`
	Author    string      `json:"author"`
	Text      string      `json:"text"`
	Bot       bool        `json:"bot"`
	Reactions []string    `json:"reactions,omitempty"`
	Files     []string    `json:"files,omitempty"`
	Replies   []uiMessage `json:"replies,omitempty"`
}

func (u *ui) slackAPI(token string) *slack.Client {
	return slack.New(token, slack.OptionAPIURL(u.m.Platforms.Slack.APIURL), slack.OptionHTTPClient(u.client))
}

func (u *ui) workspace(id string) *SlackWorkspace {
	for i, w := range u.m.Platforms.Slack.Workspaces {
		if w.ID == id {
			return &u.m.Platforms.Slack.Workspaces[i]
		}
	}
	return nil
}

// state reads every column, each as one of its platform's people.
func (u *ui) state(w http.ResponseWriter, r *http.Request) {
	cols := u.columns()
	out := make([]uiChannel, len(cols))
	var wg sync.WaitGroup
	for i, c := range cols {
		uc := uiChannel{Platform: c.platform, Workspace: c.workspace, WSName: c.wsName, Channel: c.channel, Name: c.name}
		for _, p := range c.people {
			uc.People = append(uc.People, uiPerson{ID: p.ID, Name: p.Name})
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			msgs, err := c.read(r.Context())
			if err != nil {
				uc.Error = err.Error()
			}
			uc.Messages = msgs
			out[i] = uc
		}()
	}
	wg.Wait()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// readSlack returns the channel's last messages, oldest first, with replies.
func (u *ui) readSlack(ctx context.Context, ws *SlackWorkspace, ch string) ([]uiMessage, error) {
	api := u.slackAPI(ws.Users[0].Token)
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch, Limit: 20})
	if err != nil {
		return nil, err
	}
	var out []uiMessage
	for i := len(h.Messages) - 1; i >= 0; i-- {
		m := u.slackMessage(ctx, api, h.Messages[i])
		if h.Messages[i].ReplyCount > 0 {
			replies, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: ch, Timestamp: h.Messages[i].Timestamp, Limit: 50})
			if err == nil {
				for _, rep := range replies {
					if rep.Timestamp != h.Messages[i].Timestamp {
						m.Replies = append(m.Replies, u.slackMessage(ctx, api, rep))
					}
				}
			}
		}
		out = append(out, m)
	}
	return out, nil
}

func (u *ui) slackMessage(ctx context.Context, api *slack.Client, m slack.Message) uiMessage {
	um := uiMessage{TS: m.Timestamp, Text: m.Text, Author: m.Username, Bot: m.BotID != ""}
	if um.Author == "" {
		um.Author = u.slackName(ctx, api, m.User)
	}
	for _, re := range m.Reactions {
		um.Reactions = append(um.Reactions, re.Name)
	}
	for _, f := range m.Files {
		um.Files = append(um.Files, f.Name)
	}
	return um
}

func (u *ui) slackName(ctx context.Context, api *slack.Client, id string) string {
	u.mu.Lock()
	n, ok := u.names[id]
	u.mu.Unlock()
	if ok || id == "" {
		return n
	}
	p, err := api.GetUserInfoContext(ctx, id)
	if err != nil {
		return id
	}
	n = p.Name
	u.mu.Lock()
	u.names[id] = n
	u.mu.Unlock()
	return n
}

func (u *ui) postSlack(ctx context.Context, p Person, ch, text string) error {
	_, _, err := u.slackAPI(p.Token).PostMessageContext(ctx, ch, slack.MsgOptionText(text, false))
	return err
}

type postRequest struct {
	Platform  string `json:"platform"`
	Workspace string `json:"workspace"`
	Channel   string `json:"channel"`
	User      string `json:"user"`
	Text      string `json:"text"`
}

// post acts as the chosen person, with their own token.
func (u *ui) post(w http.ResponseWriter, r *http.Request) {
	var req postRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	for _, c := range u.columns() {
		if c.platform != req.Platform || c.channel != req.Channel {
			continue
		}
		for _, p := range c.people {
			if p.ID == req.User && req.Text != "" {
				if err := c.post(r.Context(), p, req.Text); err != nil {
					http.Error(w, "post failed: "+err.Error(), http.StatusBadGateway)
					return
				}
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
	}
	http.Error(w, "unknown channel or person, or empty text", http.StatusBadRequest)
}
