package sandbox

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"net/http"
	"sync"

	"parley/internal/platform"
)

//go:embed ui.html
var uiPage []byte

// ui is the sandbox's web page: the linked channels side by side, read and
// written through each platform's user-facing API with the demo people's
// own tokens — exactly what a person in that workspace sees and does.
type ui struct {
	m      *Manifest
	client *http.Client
}

func newUI(m *Manifest, c *http.Client) http.Handler {
	u := &ui{m: m, client: c}
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
	Title     string      `json:"title"`
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

// state reads every column, each as one of its platform's people.
func (u *ui) state(w http.ResponseWriter, r *http.Request) {
	cols := u.columns()
	out := make([]uiChannel, len(cols))
	var wg sync.WaitGroup
	for i, c := range cols {
		uc := uiChannel{Platform: c.platform, Title: c.title, Workspace: c.workspace, WSName: c.wsName, Channel: c.channel, Name: c.name}
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

// column is one linked channel on the page: who may post there and how
// to read and write it as them, through the platform's user-facing API.
type column struct {
	platform, title, workspace, wsName, channel, name string
	people                                            []Person
	read                                              func(ctx context.Context) ([]uiMessage, error)
	post                                              func(ctx context.Context, p Person, text string) error
}

// shown is how many of a channel's latest top-level messages the page
// shows.
const shown = 20

// columns builds a column for every channel of every link.
func (u *ui) columns() []column {
	clients := map[string]platform.Client{}
	titles := map[string]string{}
	for _, p := range Platforms() {
		if c, err := u.m.Client(string(p.Name), u.client); err == nil {
			clients[string(p.Name)], titles[string(p.Name)] = c, p.Title
		}
	}
	var out []column
	for _, l := range u.m.Links {
		for _, c := range l.Channels {
			cl := clients[c.Platform]
			if cl == nil {
				continue
			}
			col := column{platform: c.Platform, title: titles[c.Platform], workspace: c.Workspace, channel: c.Channel, name: cl.ChannelName(c.Workspace, c.Channel)}
			for _, w := range cl.Workspaces() {
				if w.ID == c.Workspace {
					col.wsName, col.people = w.Name, w.People
				}
			}
			if len(col.people) == 0 {
				continue
			}
			reader := col.people[0]
			col.read = func(ctx context.Context) ([]uiMessage, error) {
				msgs, err := cl.Read(ctx, reader, c.Workspace, c.Channel)
				return threaded(msgs), err
			}
			col.post = func(ctx context.Context, p Person, text string) error {
				_, err := cl.Post(ctx, p, c.Workspace, c.Channel, text, "")
				return err
			}
			out = append(out, col)
		}
	}
	return out
}

// threaded nests replies under their roots and keeps the latest shown
// top-level messages, oldest first.
func threaded(msgs []platform.Message) []uiMessage {
	var out []uiMessage
	at := map[string]int{}
	for _, m := range msgs {
		um := uiMessage{TS: m.ID, Author: m.Author, Text: m.Text, Bot: m.Bot, Reactions: m.Reactions, Files: m.Files}
		if i, ok := at[m.Thread]; ok && m.Thread != "" && m.Thread != m.ID {
			out[i].Replies = append(out[i].Replies, um)
			continue
		}
		at[m.ID] = len(out)
		out = append(out, um)
	}
	return out[max(0, len(out)-shown):]
}
