// Package deploy holds no code: its tests check the deployment files beside
// them with the tools that consume them — the Containerfile with BuildKit's
// parser and a cgo-free build, the systemd unit with systemd-analyze and a
// parse of its hardening (the Helm chart's checks are in deploy/helm) — so
// that `go test ./...` (CI) catches a broken or weakened file, not only a
// reader.
package deploy
