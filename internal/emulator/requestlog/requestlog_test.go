package requestlog

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// call is a platform's entry: Entry and a field of its own.
type call struct {
	Entry
	TokenKind string `json:"token_kind"`
}

func TestList(t *testing.T) {
	var l Log[call]
	l.Add(call{Entry: Entry{Method: "a", Workspace: "T1", Status: 200}, TokenKind: "bot"})
	l.Add(call{Entry: Entry{Method: "b", Workspace: "T2", Status: 429, RetryAfter: 3}})
	l.Add(call{Entry: Entry{Method: "c", Workspace: "T1", Status: 500}})
	tests := []struct {
		workspace string
		want      []string
	}{
		{"", []string{"a", "b", "c"}},
		{"T1", []string{"a", "c"}},
		{"T2", []string{"b"}},
		{"T3", nil},
	}
	for _, tt := range tests {
		t.Run("workspace "+tt.workspace, func(t *testing.T) {
			got := l.List(tt.workspace)
			if got == nil {
				t.Fatal("List returned nil; it must encode as []")
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d entries, want %v", len(got), tt.want)
			}
			for i, e := range got {
				if e.Method != tt.want[i] {
					t.Fatalf("entry %d is %q, want %q", i, e.Method, tt.want[i])
				}
			}
		})
	}
}

func TestBounded(t *testing.T) {
	var l Log[call]
	for i := range MaxEntries + 1 {
		l.Add(call{Entry: Entry{Status: i}})
	}
	got := l.List("")
	if len(got) != MaxEntries/2+1 {
		t.Fatalf("%d entries after %d adds, want %d", len(got), MaxEntries+1, MaxEntries/2+1)
	}
	if got[0].Status != MaxEntries/2 || got[len(got)-1].Status != MaxEntries {
		t.Fatalf("kept %d..%d, want the newest", got[0].Status, got[len(got)-1].Status)
	}
}

func TestServeHTTP(t *testing.T) {
	var l Log[call]
	l.Add(call{Entry: Entry{Method: "chat.postMessage", Workspace: "T1", Status: 429, RetryAfter: 7}, TokenKind: "bot"})
	l.Add(call{Entry: Entry{Method: "auth.test", Workspace: "T2", Status: 200}, TokenKind: "user"})
	rec := httptest.NewRecorder()
	l.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_emulator/requests?workspace=T1", nil))
	var out struct {
		OK       bool             `json:"ok"`
		Requests []map[string]any `json:"requests"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("%d %q: %v", rec.Code, rec.Body.String(), err)
	}
	if !out.OK || len(out.Requests) != 1 {
		t.Fatalf("answer %+v", out)
	}
	got := out.Requests[0]
	// The common fields and the platform's own, flat, as the control API
	// has always shown them.
	for k, want := range map[string]any{"method": "chat.postMessage", "workspace": "T1", "status": 429.0, "retry_after": 7.0, "token_kind": "bot"} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	if _, ok := got["error"]; ok {
		t.Error("an empty error is shown")
	}
}
