// Package connector is the contract between Parley and a chat platform.
//
// A platform connector is small and required: it serves the platform's
// inbound deliveries and hands out a Client per installed workspace. A Client
// must be able to Send; everything else a platform may or may not allow
// (threads, edits, deletes, reactions, files, directory lookups, history) is
// an optional interface found by type assertion, so adding a capability never
// breaks an older connector, and a missing one is reported with a typed
// UnsupportedError rather than silently skipped.
//
// The conformance suite in connector/conformance runs the same checks against
// every connector and its emulator.
package connector
