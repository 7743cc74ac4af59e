package webex_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sync"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	"parley/internal/core"
	webexemu "parley/internal/emulator/webex"
)

// user acts as a Webex person through the REST API with their integration
// token, as a Webex client would.
type user struct {
	http  *http.Client
	api   string
	token string
}

func (u *user) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.api+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return u.send(req, out)
}

func (u *user) send(req *http.Request, out any) error {
	req.Header.Set("Authorization", "Bearer "+u.token)
	res, err := u.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, connector.ErrNotFound)
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: status %d", req.Method, req.URL.Path, res.StatusCode)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(res.Body).Decode(out)
}

type apiMessage struct {
	ID       string   `json:"id"`
	ParentID string   `json:"parentId"`
	Text     string   `json:"text"`
	PersonID string   `json:"personId"`
	Files    []string `json:"files"`
}

// person is the conformance Person: a human in the room.
type person struct {
	*user
	p     webexemu.Person
	room  string
	texts *textLog
}

type textLog struct {
	mu    sync.Mutex
	texts []string
}

func (l *textLog) add(s string) {
	l.mu.Lock()
	l.texts = append(l.texts, s)
	l.mu.Unlock()
}

func (l *textLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.texts...)
}

func (p *person) ID() core.UserID { return core.UserID(p.p.ID) }
func (p *person) Email() string   { return p.p.Email }

func (p *person) post(ctx context.Context, fields map[string]string) (core.MessageID, error) {
	fields["roomId"] = p.room
	p.texts.add(fields["text"])
	var m apiMessage
	err := p.call(ctx, http.MethodPost, "messages", fields, &m)
	return core.MessageID(m.ID), err
}

func (p *person) Post(ctx context.Context, text string) (core.MessageID, error) {
	return p.post(ctx, map[string]string{"text": text})
}

func (p *person) Reply(ctx context.Context, root core.MessageID, text string) (core.MessageID, error) {
	return p.post(ctx, map[string]string{"text": text, "parentId": string(root)})
}

func (p *person) Edit(ctx context.Context, id core.MessageID, text string) error {
	p.texts.add(text)
	return p.call(ctx, http.MethodPut, "messages/"+string(id), map[string]string{"roomId": p.room, "text": text}, nil)
}

func (p *person) Delete(ctx context.Context, id core.MessageID) error {
	return p.call(ctx, http.MethodDelete, "messages/"+string(id), nil, nil)
}

// React and Unreact: Webex has no public reactions API.
func (p *person) React(context.Context, core.MessageID, string) error {
	return &connector.UnsupportedError{Platform: core.Webex, Capability: "reactions"}
}

func (p *person) Unreact(context.Context, core.MessageID, string) error {
	return &connector.UnsupportedError{Platform: core.Webex, Capability: "reactions"}
}

func (p *person) Upload(ctx context.Context, name string, data []byte, comment string) (core.MessageID, error) {
	p.texts.add(comment)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("roomId", p.room)
	_ = mw.WriteField("text", comment)
	fw, err := mw.CreateFormFile("files", name)
	if err != nil {
		return "", err
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.api+"messages", &b)
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var m apiMessage
	err = p.send(req, &m)
	return core.MessageID(m.ID), err
}

// viewer reads the room with a person's token.
type viewer struct {
	*user
	texts *textLog
}

func (v *viewer) Message(ctx context.Context, _, id core.MessageID) (conformance.Seen, error) {
	var m apiMessage
	if err := v.call(ctx, http.MethodGet, "messages/"+string(id), nil, &m); err != nil {
		return conformance.Seen{}, err
	}
	v.texts.add(m.Text)
	var who struct {
		DisplayName string `json:"displayName"`
	}
	if err := v.call(ctx, http.MethodGet, "people/"+m.PersonID, nil, &who); err != nil {
		return conformance.Seen{}, err
	}
	s := conformance.Seen{Text: m.Text, AuthorName: who.DisplayName, Thread: core.MessageID(m.ParentID)}
	for _, f := range m.Files {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, f, nil)
		if err != nil {
			return s, err
		}
		req.Header.Set("Authorization", "Bearer "+v.token)
		res, err := v.http.Do(req)
		if err != nil {
			return s, err
		}
		data, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			return s, fmt.Errorf("download: status %d, %v", res.StatusCode, err)
		}
		s.Files = append(s.Files, data)
	}
	return s, nil
}
