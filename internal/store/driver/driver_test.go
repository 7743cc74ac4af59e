package driver

import (
	"path/filepath"
	"testing"

	"parley/internal/config"
	"parley/internal/secret"
	"parley/internal/store"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/sqlite"
)

func TestOpen(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := Open(t.Context(), config.Store{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "p.db")})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, ok := s.(*sqlite.Store); !ok {
			t.Fatalf("opened %T", s)
		}
		roundTrip(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		_, u := pgtest.Schema(t)
		s, err := Open(t.Context(), config.Store{Driver: "postgres", URL: config.SecretRef{Value: secret.New(u)}})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, ok := s.(*postgres.Store); !ok {
			t.Fatalf("opened %T", s)
		}
		roundTrip(t, s)
	})
	t.Run("postgres refuses plaintext to another machine", func(t *testing.T) {
		if _, err := Open(t.Context(), config.Store{Driver: "postgres", URL: config.SecretRef{Value: secret.New("postgres://parley@db.internal/parley?sslmode=disable")}}); err == nil {
			t.Fatal("opened")
		}
	})
	t.Run("unknown", func(t *testing.T) {
		if _, err := Open(t.Context(), config.Store{Driver: "oracle"}); err == nil {
			t.Fatal("opened")
		}
	})
}

func roundTrip(t *testing.T, s store.Store) {
	t.Helper()
	if err := s.CreateTenant(t.Context(), store.Tenant{ID: "a", Name: "A"}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Tenant(t.Context(), "a"); err != nil || got.Name != "A" {
		t.Fatalf("Tenant = %+v, %v", got, err)
	}
}
