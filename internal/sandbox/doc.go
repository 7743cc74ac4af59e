// Package sandbox runs Parley against emulated platforms on loopback: the
// emulators with a demo tenant's workspaces, people and channels, the
// gateway (in process, through exactly the code `parley serve` runs, or not
// at all with NoGateway so a test can run and kill it separately), a
// manifest that scripts and tests drive it by (see SANDBOX.md), and a web
// page where a person can post as any demo user and watch the relay.
package sandbox
