// Package conformance is the platform-neutral check every connector passes
// against its platform's emulator: Run drives a connector's Client and
// Handler and, through a Harness the platform's test implements, acts as a
// person and looks at what people see. It imports testing and is meant for
// _test.go files only.
//
// Checks poll with a deadline; none sleeps. Capabilities a client lacks
// fail the run unless the harness declares them unsupported, so a
// connector cannot pass by silently doing less.
package conformance
