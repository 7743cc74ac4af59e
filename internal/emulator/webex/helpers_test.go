package webex_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	webexemu "parley/internal/emulator/webex"
)

// world is an emulator over TLS with an org, two people, a bot, a room and
// a webhook target that records what it receives.
type world struct {
	emu      *webexemu.Emulator
	srv      *httptest.Server
	target   *httptest.Server
	got      *inbox
	org      webexemu.Org
	ann, bob webexemu.Person
	bot      webexemu.Bot
	room     webexemu.Room
}

// inbox records webhook deliveries; status is what the target answers.
type inbox struct {
	mu     sync.Mutex
	status int
	posts  []posted
}

type posted struct {
	body []byte
	sig  string
}

func (b *inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	b.posts = append(b.posts, posted{body: body, sig: r.Header.Get("X-Spark-Signature")})
	status := b.status
	b.mu.Unlock()
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
}

func (b *inbox) all() []posted {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]posted(nil), b.posts...)
}

func (b *inbox) setStatus(s int) {
	b.mu.Lock()
	b.status = s
	b.mu.Unlock()
}

func newWorld(t *testing.T, opts webexemu.Options) *world {
	t.Helper()
	w := &world{got: &inbox{}}
	w.target = httptest.NewTLSServer(w.got)
	t.Cleanup(w.target.Close)
	opts.HTTPClient = w.target.Client()
	w.emu = webexemu.New(opts)
	t.Cleanup(w.emu.Close)
	w.srv = httptest.NewTLSServer(w.emu.Handler())
	t.Cleanup(w.srv.Close)
	w.emu.SetBaseURL(w.srv.URL)
	w.org = w.emu.AddOrg("acme")
	w.ann = w.emu.AddPerson(w.org.ID, "Ann", "ann@acme.example")
	w.bob = w.emu.AddPerson(w.org.ID, "Bob", "bob@acme.example")
	w.bot = w.emu.AddBot(w.org.ID, "Relay Bot")
	w.room = w.emu.AddRoom(w.org.ID, "bridge", w.ann.ID, w.bob.ID, w.bot.ID)
	return w
}

// do makes an API call with token and decodes a JSON answer into out.
func (w *world) do(t *testing.T, token, method, path string, body any, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, w.emu.APIURL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return w.send(t, req, out)
}

func (w *world) send(t *testing.T, req *http.Request, out any) *http.Response {
	t.Helper()
	res, err := w.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %q: %v", req.Method, req.URL.Path, b, err)
		}
	}
	return res
}

// upload posts a message with a file, as multipart/form-data.
func (w *world) upload(t *testing.T, token, roomID, markdown, name string, data []byte, out any) *http.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("roomId", roomID)
	_ = mw.WriteField("markdown", markdown)
	fw, err := mw.CreateFormFile("files", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, w.emu.APIURL()+"messages", &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return w.send(t, req, out)
}

type msg struct {
	ID              string   `json:"id"`
	ParentID        string   `json:"parentId"`
	RoomID          string   `json:"roomId"`
	Text            string   `json:"text"`
	Markdown        string   `json:"markdown"`
	PersonID        string   `json:"personId"`
	Files           []string `json:"files"`
	MentionedPeople []string `json:"mentionedPeople"`
}

type hookPayload struct {
	ID       string `json:"id"`
	Resource string `json:"resource"`
	Event    string `json:"event"`
	Data     struct {
		ID       string `json:"id"`
		RoomID   string `json:"roomId"`
		PersonID string `json:"personId"`
		ParentID string `json:"parentId"`
		Text     string `json:"text"`
	} `json:"data"`
}

// waitFor polls cond with a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5s", what)
		}
		select {
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// register creates a messages webhook for token.
func (w *world) register(t *testing.T, token, event, secret string) string {
	t.Helper()
	var h struct {
		ID string `json:"id"`
	}
	res := w.do(t, token, "POST", "webhooks", map[string]string{
		"name": "parley", "targetUrl": w.target.URL + "/hook", "resource": "messages", "event": event, "secret": secret,
	}, &h)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("create webhook: %d", res.StatusCode)
	}
	return h.ID
}

// boundedCtx is a context bounded by d and by the test.
func boundedCtx(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), d)
}
