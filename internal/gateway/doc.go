// Package gateway assembles a running Parley from its configuration: the
// store, the vault, the bus, the connectors (one per enabled platform of
// the registry), the pipeline's stages (ingest, dispatch, router,
// delivery) and the two HTTPS listeners. It wires; the stages live in
// packages of their own. `parley serve` and `parley sandbox` both run
// exactly this.
//
// Lifecycle, as in Caddy: New does no I/O; Start opens, provisions and
// listens; Close stops everything in reverse order.
package gateway
