// Package chaos is the suite behind "never lose, never duplicate, never
// reorder": it runs the emulators in this process and the gateway as a
// child process, posts numbered messages as the demo people while it
// SIGKILLs the gateway and makes the platforms fail (503 bursts, 429
// storms, latency), then reads every destination channel through the
// platforms' own APIs and counts what arrived once, twice, never or out of
// order.
package chaos
