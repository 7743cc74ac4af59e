// Package bus carries events between the connectors that receive them and
// the router that relays them, durably: an event published here survives a
// crash and is removed only once the router acknowledges it or it outlives
// Options.MaxAge.
//
// It is NATS JetStream in both deployment modes. By default an embedded NATS
// server runs inside the process with no network listener at all; for
// scale-out, Options.URL points every node at a shared NATS cluster, over TLS
// with the server verified and Parley authenticated (a .creds file, an nkey
// seed or a client certificate); plaintext is refused beyond loopback unless
// Options.AllowPlaintext. The code path above the connection is the same in
// both.
//
// The bus never sees plaintext: callers seal Message.Data with the tenant's
// key before publishing. It never logs payloads either. Subjects are
// "<stream>.<tenant>.<lane>", so every subject is scoped by tenant; tenant and
// lane are opaque tokens checked by ValidToken.
package bus
