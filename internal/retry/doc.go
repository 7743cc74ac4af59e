// Package retry holds the timing of a second try: how long a platform
// asked us to wait (its Retry-After header), how long to back off when it
// did not say (an exponential schedule with jitter), and a wait that ends
// early when its context does.
//
// The decision whether to try again at all is not here: it depends on what
// failed, which connector.Classify reads from the connector's typed errors.
// What a platform's schedule is (its first wait, its cap, its default
// Retry-After) stays the platform's, passed in as parameters.
package retry
