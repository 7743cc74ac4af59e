package sandbox

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestManifestPlatformsKeepOrder: the sections are written in the
// registry's order and read back whole.
func TestManifestPlatformsKeepOrder(t *testing.T) {
	var p ManifestPlatforms
	p.set("zulu", json.RawMessage(`{"api_url":"https://z/"}`))
	p.set("alpha", json.RawMessage(`{"orgs":[1,2]}`))
	b, err := json.Marshal(struct {
		P ManifestPlatforms `json:"platforms"`
	}{p})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"platforms":{"zulu":{"api_url":"https://z/"},"alpha":{"orgs":[1,2]}}}`; string(b) != want {
		t.Fatalf("marshal = %s, want %s", b, want)
	}
	var back struct {
		P ManifestPlatforms `json:"platforms"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(back.P.Names(), ","); got != "zulu,alpha" {
		t.Errorf("names = %s", got)
	}
	var z struct {
		APIURL string `json:"api_url"`
	}
	if err := back.P.Decode("zulu", &z); err != nil || z.APIURL != "https://z/" {
		t.Errorf("decode = %+v, %v", z, err)
	}
	if err := back.P.Decode("nope", &z); err == nil {
		t.Error("decoded a platform the manifest lacks")
	}
}

func FuzzManifestPlatforms(f *testing.F) {
	f.Add([]byte(`{"slack":{"api_url":"x"},"teams":{}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"a":1,"a":2}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p ManifestPlatforms
		if json.Unmarshal(b, &p) != nil {
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var again ManifestPlatforms
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("re-read %s: %v", out, err)
		}
	})
}
