package gchat

import (
	"context"
	"errors"
	"testing"

	"parley/internal/connector"
	"parley/internal/secret"
)

func TestInstall(t *testing.T) {
	key := `{"type":"service_account","client_email":"app@p.iam.gserviceaccount.com","private_key":"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n","token_uri":"https://oauth2.example/token"}`
	c := New(Config{ServiceAccountKey: secret.New(key), ProjectNumber: "1", PushAudience: "a", PushServiceAccount: "p@x"})
	ctx := context.Background()

	t.Run("app only", func(t *testing.T) {
		cl, err := c.Install(ctx, connector.Installation{Tenant: "t", Workspace: "acme.example"})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := cl.(connector.Reactor); ok {
			t.Fatal("an app-only install claims to react")
		}
		if _, ok := cl.(connector.FileSender); ok {
			t.Fatal("an app-only install claims to upload")
		}
	})
	t.Run("with relay user", func(t *testing.T) {
		cl, err := c.Install(ctx, connector.Installation{Tenant: "t", Workspace: "acme.example", Token: secret.New("ya29.relay")})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := cl.(connector.Reactor); !ok {
			t.Fatal("relay install cannot react")
		}
		if _, ok := cl.(connector.FileSender); !ok {
			t.Fatal("relay install cannot upload")
		}
	})
	t.Run("no domain", func(t *testing.T) {
		if _, err := c.Install(ctx, connector.Installation{Tenant: "t"}); !errors.Is(err, connector.ErrPermanent) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bad key", func(t *testing.T) {
		bad := New(Config{ServiceAccountKey: secret.New("not json"), ProjectNumber: "1"})
		if _, err := bad.Install(ctx, connector.Installation{Tenant: "t", Workspace: "acme.example"}); !errors.Is(err, connector.ErrAuth) {
			t.Fatalf("err = %v", err)
		}
	})
}
