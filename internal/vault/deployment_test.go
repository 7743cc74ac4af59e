package vault

import (
	"errors"
	"testing"
)

func TestDeploymentKeys(t *testing.T) {
	e := newEnv(t)
	v := e.v
	ctx := t.Context()
	a, err := v.DeploymentIndex(ctx, "email", "carol@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := v.DeploymentIndex(ctx, "email", "carol@acme.example")
	c, _ := v.DeploymentIndex(ctx, "token", "carol@acme.example")
	if a != b || a == c {
		t.Fatalf("index not stable per purpose, or shared across purposes: %s %s %s", a, b, c)
	}
	// Another process over the same store and KEK derives the same index.
	other := openEnv(t, e.kekPath, e.dbPath).v
	if d, _ := other.DeploymentIndex(ctx, "email", "carol@acme.example"); d != a {
		t.Fatal("another process derives another index")
	}
	// No tenant's key is the deployment's.
	if ti, _ := v.Index(ctx, "t1", "carol@acme.example"); ti == a {
		t.Fatal("tenant index equals deployment index")
	}

	sealed, err := v.SealDeployment(ctx, []byte("carol@acme.example"), []byte("role"))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := other.OpenDeployment(ctx, sealed, []byte("role"))
	if err != nil || string(plain) != "carol@acme.example" {
		t.Fatalf("OpenDeployment = %q, %v", plain, err)
	}
	if _, err := v.OpenDeployment(ctx, sealed, []byte("other")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("wrong aad: %v", err)
	}
	if _, err := v.Open(ctx, "t1", sealed, []byte("role")); err == nil {
		t.Fatal("a tenant key opened a deployment seal")
	}
}
