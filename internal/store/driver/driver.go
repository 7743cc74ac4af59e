// Package driver opens the store back end that the configuration names:
// the one place that knows every back end, so the gateway and the
// commands need not.
package driver

import (
	"context"
	"fmt"

	"parley/internal/config"
	"parley/internal/store"
	"parley/internal/store/postgres"
	"parley/internal/store/sqlite"
)

// Open opens the store c describes and brings its schema up to date.
func Open(ctx context.Context, c config.Store) (store.Store, error) {
	switch c.Driver {
	case "sqlite", "":
		return sqlite.Open(ctx, c.Path)
	case "postgres":
		return postgres.Open(ctx, c.Postgres())
	default:
		return nil, fmt.Errorf("store.driver: %q is not supported (sqlite, postgres)", c.Driver)
	}
}
