package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"parley/internal/connector"
	"parley/internal/egress"
	"parley/internal/secret"
)

// rotating hands out a new token after each Forget.
type rotating struct{ forgot atomic.Int32 }

func (r *rotating) Token(context.Context) (secret.Secret, error) {
	return secret.New("tok" + string(rune('0'+r.forgot.Load()))), nil
}
func (r *rotating) Forget() { r.forgot.Add(1) }

func TestClientCall(t *testing.T) {
	var gotAuth, gotType atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth.Store(r.Header.Get("Authorization"))
		gotType.Store(r.Header.Get("Content-Type"))
		switch r.URL.Path {
		case "/echo":
			var in map[string]string
			_ = json.NewDecoder(r.Body).Decode(&in)
			_ = json.NewEncoder(w).Encode(map[string]string{"id": in["text"] + "-1"})
		case "/empty":
			w.WriteHeader(http.StatusCreated)
		case "/nocontent":
			w.WriteHeader(http.StatusNoContent)
		case "/garbled":
			_, _ = w.Write([]byte(`{"id":`))
		case "/refuse":
			w.WriteHeader(http.StatusUnauthorized)
		case "/limited":
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	defer srv.Close()
	tokens := &rotating{}
	c := &Client{HTTP: srv.Client(), Rules: plain, Token: tokens}
	ctx := context.Background()

	var out struct{ ID string }
	if err := c.Call(ctx, "echo", http.MethodPost, srv.URL+"/echo", map[string]string{"text": "hi"}, &out); err != nil || out.ID != "hi-1" {
		t.Fatalf("echo: %v, %+v", err, out)
	}
	if gotAuth.Load() != "Bearer tok0" || !strings.HasPrefix(gotType.Load().(string), "application/json") {
		t.Fatalf("sent Authorization %q, Content-Type %q", gotAuth.Load(), gotType.Load())
	}
	if err := c.Call(ctx, "nocontent", http.MethodPost, srv.URL+"/nocontent", nil, &out); err != nil {
		t.Fatalf("204: %v", err)
	}
	if err := c.Call(ctx, "empty", http.MethodPost, srv.URL+"/empty", nil, nil); err != nil {
		t.Fatalf("empty answer, none wanted: %v", err)
	}
	for _, path := range []string{"/empty", "/garbled"} {
		if err := c.Call(ctx, "x", http.MethodGet, srv.URL+path, nil, &out); err == nil || !connector.Retryable(err) {
			t.Fatalf("%s answer: %v", path, err)
		}
	}
	if err := c.Call(ctx, "limited", http.MethodGet, srv.URL+"/limited", nil, nil); connector.Classify(err) != connector.RateLimited {
		t.Fatalf("429: %v", err)
	}
	err := c.Call(ctx, "refuse", http.MethodGet, srv.URL+"/refuse", nil, nil)
	if !errors.Is(err, connector.ErrAuth) || tokens.forgot.Load() != 1 {
		t.Fatalf("401: %v, forgot %d", err, tokens.forgot.Load())
	}
	_ = c.Call(ctx, "echo", http.MethodPost, srv.URL+"/echo", map[string]string{}, nil)
	if gotAuth.Load() != "Bearer tok1" {
		t.Fatalf("after a 401 the token was not renewed: %q", gotAuth.Load())
	}
}

func TestClientRefusedByEgress(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("the guard let the request through")
	}))
	defer srv.Close()
	guarded := egress.Client(srv.Client(), egress.Policy{Hosts: []string{"api.example"}})
	c := &Client{HTTP: guarded, Rules: plain, Token: Static(secret.New("t"))}
	err := c.Call(context.Background(), "fetch", http.MethodGet, srv.URL+"/private/name.pdf", nil, nil)
	if connector.Classify(err) != connector.Permanent || strings.Contains(err.Error(), "name.pdf") {
		t.Fatalf("egress refusal: %v", err)
	}
}

func TestStaticPrintsRedacted(t *testing.T) {
	s := Static(secret.New("xoxb-very-secret"))
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if strings.Contains(fmt.Sprintf(f, s), "very-secret") {
			t.Fatalf("%s prints the token", f)
		}
	}
}

func TestOpen(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gone" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("X-Auth", r.Header.Get("Authorization"))
		_, _ = w.Write([]byte("bytes"))
	}))
	defer srv.Close()
	ctx := context.Background()
	resp, err := plain.Open(ctx, srv.Client(), "download", http.MethodGet, srv.URL+"/f", secret.New("tok"))
	if err != nil || resp.Header.Get("X-Auth") != "Bearer tok" {
		t.Fatalf("Open with a token: %v, %v", err, resp)
	}
	resp.Body.Close()
	resp, err = plain.Open(ctx, srv.Client(), "download", http.MethodHead, srv.URL+"/f", secret.Secret{})
	if err != nil || resp.Header.Get("X-Auth") != "" {
		t.Fatalf("Open without a token: %v, sent %q", err, resp.Header.Get("X-Auth"))
	}
	resp.Body.Close()
	if _, err := plain.Open(ctx, srv.Client(), "download", http.MethodGet, srv.URL+"/gone", secret.Secret{}); !errors.Is(err, connector.ErrNotFound) {
		t.Fatalf("Open of a gone file: %v", err)
	}
}
