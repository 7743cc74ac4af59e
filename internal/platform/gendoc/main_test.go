package main

import (
	"os"
	"strings"
	"testing"

	"parley/internal/platform"
	"parley/internal/platform/builtin"
)

// TestREADMEInSync fails while the settings tables in README.md differ
// from the platforms' declarations.
func TestREADMEInSync(t *testing.T) {
	b, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := splice(string(b), render(builtin.All()))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Fatal("README.md's platform settings are out of date: run `go run ./internal/platform/gendoc` from the module root and commit README.md")
	}
}

func TestRenderListsEverySetting(t *testing.T) {
	p := platform.Platform{Name: "chat", Title: "Chat", EnabledBy: "token", Mounts: []platform.Mount{{Path: "/chat/hook"}},
		Settings: []platform.Setting{
			{Key: "token", Kind: platform.Secret, Doc: "The app's token."},
			{Key: "api_url", Default: "https://chat.example/", Doc: "a | b"},
			{Key: "hosts", Kind: platform.List},
		}}
	got := render([]platform.Platform{p})
	for _, want := range []string{"**Chat** (`chat:`)", "`POST /chat/hook`", "| `token` | secret |  | `PARLEY_CHAT_TOKEN` | The app's token. |",
		"| `api_url` | string | `https://chat.example/` | `PARLEY_CHAT_API_URL` | a \\| b |", "| `hosts` | list |  |  |  |"} {
		if !strings.Contains(got, want) {
			t.Errorf("render lacks %q:\n%s", want, got)
		}
	}
	if _, err := splice("no markers", got); err == nil {
		t.Error("splice accepted a README without markers")
	}
}
