package chaos

import (
	"context"
	"net/http"

	"parley/internal/emulator/userapi"
)

// fault is one injection per SANDBOX.md's control contract.
type fault struct {
	Workspace  string `json:"workspace"`
	Status     int    `json:"status,omitempty"`
	RetryAfter int    `json:"retry_after,omitempty"`
	Count      int    `json:"count,omitempty"`
	Seconds    int    `json:"seconds,omitempty"`
	LatencyMS  int    `json:"latency_ms,omitempty"`
}

// target is a workspace and the control URL of its emulator.
type target struct {
	platform, workspace, control string
}

func inject(ctx context.Context, c *userapi.Client, t target, f fault) error {
	f.Workspace = t.workspace
	return c.JSON(ctx, "", http.MethodPost, t.control+"faults", f, nil)
}

func clearFaults(ctx context.Context, c *userapi.Client, control string) error {
	return c.JSON(ctx, "", http.MethodDelete, control+"faults", nil, nil)
}
