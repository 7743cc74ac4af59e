package gchat

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	chat "google.golang.org/api/chat/v1"
)

func TestPerSpaceWriteLimit(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	ev := newEnv(t, func(o *Options) { o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now } })
	alice := ev.userService(ev.alice)
	var limited error
	for i := 0; i < int(spaceWrites.Burst)+1; i++ {
		if _, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "flood"}).Do(); err != nil {
			limited = err
			break
		}
	}
	code, msg := apiCode(limited)
	if code != http.StatusTooManyRequests || !strings.Contains(msg, "Quota exceeded") {
		t.Fatalf("after the burst: %v", limited)
	}
	// Another space has its own budget; the same space refills at 1/s.
	other := ev.emu.AddSpace("acme.example", "Other", ev.alice.Name)
	if _, err := alice.Spaces.Messages.Create(other.Name, &chat.Message{Text: "fine"}).Do(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(2 * time.Second)
	mu.Unlock()
	if _, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "after a pause"}).Do(); err != nil {
		t.Fatal(err)
	}
}

func TestFaultsAndRequestLog(t *testing.T) {
	ev := newEnv(t)
	alice := ev.userService(ev.alice)
	post := func(body string) int {
		res, err := ev.srv.Client().Post(ev.emu.ControlURL()+"faults", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if st := post(`{"workspace":"acme.example","status":429,"retry_after":7,"count":1}`); st != http.StatusOK {
		t.Fatalf("add fault: %d", st)
	}
	if st := post(`{"workspace":"acme.example","bogus":1}`); st != http.StatusBadRequest {
		t.Fatalf("unknown field: %d", st)
	}
	_, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "x"}).Do()
	if code, _ := apiCode(err); code != http.StatusTooManyRequests {
		t.Fatalf("faulted call: %v", err)
	}
	if _, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "x"}).Do(); err != nil {
		t.Fatalf("fault outlived its count: %v", err)
	}
	res, err := ev.srv.Client().Get(ev.emu.ControlURL() + "requests?workspace=acme.example")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var log struct{ Requests []logEntry }
	if err := json.Unmarshal(body, &log); err != nil {
		t.Fatal(err)
	}
	n := len(log.Requests)
	if n < 2 || log.Requests[n-2].Status != 429 || log.Requests[n-2].RetryAfter != 7 ||
		log.Requests[n-1].Method != "chat.spaces.messages.create" || log.Requests[n-1].Auth != "user" {
		t.Fatalf("log = %+v", log.Requests)
	}
	if strings.Contains(string(body), ev.alice.Token) || strings.Contains(string(body), `"x"`) {
		t.Fatal("request log holds a token or text")
	}
}

func TestHostileRequests(t *testing.T) {
	ev := newEnv(t)
	c := ev.srv.Client()
	base := ev.srv.URL
	msgs := base + "/v1/" + ev.space.Name + "/messages"
	tests := []struct {
		name, method, url, token, body string
		want                           int
	}{
		{"no token", "POST", msgs, "", `{"text":"x"}`, 401},
		{"bad token", "POST", msgs, "ya29.nope", `{"text":"x"}`, 401},
		{"bad json", "POST", msgs, ev.alice.Token, `{"text":`, 400},
		{"wrong type", "POST", msgs, ev.alice.Token, `{"text":5}`, 400},
		{"huge body", "POST", msgs, ev.alice.Token, `{"text":"` + strings.Repeat("a", maxAPIBody) + `"}`, 413},
		{"bad filter", "GET", msgs + "?filter=((", ev.alice.Token, "", 400},
		{"bad page token", "GET", msgs + "?pageToken=@@@", ev.alice.Token, "", 400},
		{"unknown path", "GET", base + "/v2/nothing", ev.alice.Token, "", 404},
		{"bad reply option", "POST", msgs + "?messageReplyOption=BOGUS", ev.alice.Token, `{"text":"x"}`, 400},
		{"upload without type", "POST", base + "/upload/v1/" + ev.space.Name + "/attachments:upload", ev.alice.Token, "x", 400},
		{"token bad grant", "POST", base + "/token", "", "grant_type=password", 400},
		{"token bad assertion", "POST", base + "/token", "", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c", 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, tc.url, strings.NewReader(tc.body))
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			if strings.HasSuffix(tc.url, "/token") {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != tc.want {
				b, _ := io.ReadAll(res.Body)
				t.Fatalf("status = %d, want %d: %s", res.StatusCode, tc.want, b)
			}
		})
	}
}
