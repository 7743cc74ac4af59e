// Package delivery runs one ordered lane per destination channel. Jobs in a
// lane run one at a time in the order submitted, each retried until it
// succeeds, fails permanently, or passes its deadline; a slow, failing or
// rate-limited destination therefore delays only its own lane, never the
// others (the incumbent's single router goroutine is what this replaces).
package delivery
