// Package config is Parley's one typed configuration: read from a YAML file
// with strict decoding (an unknown or misspelt key is an error naming the key
// and its line), then environment-variable overrides, then defaults that
// work, then Validate.
//
// Secrets (signing secrets, tokens) are SecretRefs: "env:NAME" or
// "file:/path" references are resolved at load time; an inline value works
// but is reported by Inline so that `parley serve` can warn about it. Once
// the gateway has them they are stored only sealed by the vault.
package config
