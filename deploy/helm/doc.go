// Package helm holds no code: its tests check the chart in parley/ with
// Helm's own linter and renderer and decode every rendered manifest into
// its Kubernetes type. It is a package of its own so that the other
// deployment checks do not compile Kubernetes' API types.
package helm
