// Package gateway assembles a running Parley from its configuration: the
// store, the vault, the bus, the connectors, the router and the two HTTPS
// listeners. `parley serve` and `parley sandbox` both run exactly this.
//
// Lifecycle, as in Caddy: New does no I/O; Start opens, provisions and
// listens; Close stops everything in reverse order.
package gateway
