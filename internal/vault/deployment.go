package vault

import (
	"context"
	"fmt"

	"parley/internal/core"
)

// Deployment keys are kept, like the pseudonym key, under the empty tenant
// (which no real tenant can have), one per purpose, wrapped by the KEK.
// They serve what belongs to no single tenant: the index that finds a
// person's roles in every tenant at sign-in, token hashes, the audit
// chains' MACs, and sealing the installation operators' emails.
const deploymentTenant core.TenantID = ""

// DeploymentIndex is a keyed hash of parts (as Index) under the deployment
// key for purpose, created on first use. Each purpose has its own key, so
// an email index can never be compared with a token hash or a MAC.
func (v *Vault) DeploymentIndex(ctx context.Context, purpose string, parts ...string) (string, error) {
	key, err := v.loadKey(ctx, slotID{deploymentTenant, "deployment-" + purpose}, true)
	if err != nil {
		return "", fmt.Errorf("deployment index: %w", err)
	}
	return keyedHash(key, parts...), nil
}

// SealDeployment is Seal under the deployment's data key, for data that
// belongs to no tenant.
func (v *Vault) SealDeployment(ctx context.Context, plaintext, aad []byte) ([]byte, error) {
	key, err := v.loadKey(ctx, slotID{deploymentTenant, "deployment-data"}, true)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return seal(key, deploymentTenant, plaintext, aad)
}

// OpenDeployment opens what SealDeployment sealed.
func (v *Vault) OpenDeployment(ctx context.Context, sealed, aad []byte) ([]byte, error) {
	key, err := v.loadKey(ctx, slotID{deploymentTenant, "deployment-data"}, false)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return open(key, deploymentTenant, sealed, aad)
}
