package installs

import (
	"errors"
	"testing"

	"parley/internal/connector"
)

func TestTable(t *testing.T) {
	var tab Table[string]
	if _, ok := tab.Get("T1"); ok {
		t.Fatal("the zero table holds something")
	}
	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"first install", func() error { return tab.Put("T1", "acme", "v1") }, nil},
		{"reinstall by the same tenant", func() error { return tab.Put("T1", "acme", "v2") }, nil},
		{"another tenant is refused", func() error { return tab.Put("T1", "globex", "x") }, connector.ErrOtherTenant},
		{"and told so before it acts", func() error { return tab.Check("T1", "globex") }, connector.ErrOtherTenant},
		{"the owner may", func() error { return tab.Check("T1", "acme") }, nil},
		{"an uninstall by another tenant does nothing", func() error { tab.Remove("globex", "T1"); return nil }, nil},
	}
	for _, s := range steps {
		if err := s.do(); !errors.Is(err, s.want) || (s.want == nil) != (err == nil) {
			t.Fatalf("%s: %v, want %v", s.name, err, s.want)
		}
	}
	if v, ok := tab.Get("T1"); !ok || v != "v2" {
		t.Fatalf("Get = %q, %v", v, ok)
	}
	tab.Remove("acme", "T1")
	if _, ok := tab.Get("T1"); ok {
		t.Fatal("still installed after its tenant uninstalled it")
	}
	if err := tab.Put("T1", "globex", "g"); err != nil {
		t.Fatalf("a freed workspace: %v", err)
	}
}
