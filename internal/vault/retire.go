package vault

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"parley/internal/store"
)

// ErrKEKInUse: a key-encryption-key version still wraps tenant keys, so
// retiring it would lose them. Run `parley keys rotate` first.
var ErrKEKInUse = errors.New("key-encryption key version still in use")

// KEKVersion is one version of a key file and how many stored keys it
// wraps.
type KEKVersion struct {
	ID      string
	Primary bool
	Wraps   int
}

// KEKFileVersions lists the versions of the key file at path, with how
// many of the store's keys each wraps, oldest first.
func KEKFileVersions(ctx context.Context, path string, keys store.Store) ([]KEKVersion, error) {
	kf, err := readKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("kek versions: %w", err)
	}
	uses, err := wrapsByVersion(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("kek versions: %w", err)
	}
	var out []KEKVersion
	for id := range kf.Keys {
		out = append(out, KEKVersion{ID: id, Primary: id == kf.Primary, Wraps: uses[id]})
	}
	sort.Slice(out, func(i, j int) bool { return versionLess(out[i].ID, out[j].ID) })
	return out, nil
}

// RetireKEKFile removes version id from the key file at path, so that a
// copy of the data directory taken afterwards holds nothing that opens
// what it wrapped. It refuses the primary, and any version that still
// wraps a key in keys (ErrKEKInUse): rotate first, then retire. The store
// is asked again under the key file's lock, after a process that had the
// old primary in memory would have re-read the file (Wrap does each time).
func RetireKEKFile(ctx context.Context, path, id string, keys store.Store) error {
	err := editKeyFile(path, func(kf *keyFile) error {
		if _, ok := kf.Keys[id]; !ok {
			return fmt.Errorf("%q: %w", id, ErrUnknownKEK)
		}
		if id == kf.Primary {
			return fmt.Errorf("%q is the primary version: run `parley keys rotate` to make a new one, then retire this one", id)
		}
		uses, err := wrapsByVersion(ctx, keys)
		if err != nil {
			return err
		}
		if n := uses[id]; n > 0 {
			return fmt.Errorf("%q still wraps %d tenant keys; run `parley keys rotate` to re-wrap them first: %w", id, n, ErrKEKInUse)
		}
		delete(kf.Keys, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("retire kek version: %w", err)
	}
	return nil
}

// versionLess orders file-2 before file-10.
func versionLess(a, b string) bool {
	na, ea := strconv.Atoi(strings.TrimPrefix(a, "file-"))
	nb, eb := strconv.Atoi(strings.TrimPrefix(b, "file-"))
	if ea == nil && eb == nil {
		return na < nb
	}
	return a < b
}

func wrapsByVersion(ctx context.Context, keys store.Store) (map[string]int, error) {
	all, err := keys.AllKeys(ctx)
	if err != nil {
		return nil, err
	}
	uses := map[string]int{}
	for _, k := range all {
		uses[k.KEKID]++
	}
	return uses, nil
}

// KEKFilePath returns the key file's path when kekURL names a key file
// (file:… or a plain path), and false for a KMS.
func KEKFilePath(kekURL string) (string, bool) {
	if !strings.Contains(kekURL, "://") && !strings.HasPrefix(kekURL, "file:") {
		return kekURL, kekURL != ""
	}
	u, err := url.Parse(kekURL)
	if err != nil || u.Scheme != "file" {
		return "", false
	}
	p := u.Path
	switch {
	case u.Opaque != "":
		p = u.Opaque
	case u.Host != "" && u.Host != "localhost":
		p = u.Host + u.Path
	}
	return p, p != ""
}
