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
//
// A new platform's connector is written from the kit rather than from a
// copy of another connector: connector/rest calls its API and reads every
// answer into the errors here (the platform passes its Rules: its name, the
// wait a bare 429 means, its error codes, its exceptions to HTTP's rule);
// connector/webhook reads, refuses and hands on its inbound deliveries;
// connector/directory caches its people lookups; connector/installs keeps
// which tenant each workspace belongs to; internal/retry times a second
// try. Classify and Retryable below are the one reading of an error that
// every caller that retries shares.
package connector
