package vault

import (
	"testing"
	"time"
)

func TestRotate(t *testing.T) {
	e := newEnv(t)
	tenants := []string{"a", "b", "c"}
	sealed := map[string][]byte{}
	indexes := map[string]string{}
	for _, tn := range tenants {
		sealed[tn] = e.seal(t, tn, "value of "+tn, tn)
		i, err := e.v.Index(t.Context(), coreTenant(tn), "x")
		if err != nil {
			t.Fatal(err)
		}
		indexes[tn] = i
	}
	oldID := e.v.kek.ID()

	if err := RotateKEKFile(e.kekPath); err != nil {
		t.Fatal(err)
	}
	r := openEnv(t, e.kekPath, e.dbPath) // the rotation tool, a fresh process
	newID := r.v.kek.ID()
	if newID == oldID {
		t.Fatal("RotateKEKFile kept the primary")
	}
	n, err := r.v.Rotate(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n != 2*len(tenants) {
		t.Fatalf("Rotate re-wrapped %d keys, want %d", n, 2*len(tenants))
	}
	all, err := r.st.AllKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range all {
		if k.KEKID != newID {
			t.Errorf("key %s/%s still under %s", k.Tenant, k.Purpose, k.KEKID)
		}
	}

	// Everything still opens: in a fresh process, in the one that sealed
	// (cached keys), and in the sealer once it re-reads the store with its
	// old view of the key file.
	fresh := openEnv(t, e.kekPath, e.dbPath)
	later := time.Now().Add(recheck + time.Second)
	for _, tc := range []struct {
		name string
		v    *Vault
	}{{"fresh", fresh.v}, {"sealer", e.v}, {"sealer after recheck", e.v}} {
		name, v := tc.name, tc.v
		if name == "sealer after recheck" {
			e.v.now = func() time.Time { return later }
		}
		for _, tn := range tenants {
			got, err := v.Open(t.Context(), coreTenant(tn), sealed[tn], []byte(tn))
			if err != nil || string(got) != "value of "+tn {
				t.Fatalf("%s: Open(%s) after rotation = %q, %v", name, tn, got, err)
			}
			i, err := v.Index(t.Context(), coreTenant(tn), "x")
			if err != nil || i != indexes[tn] {
				t.Fatalf("%s: index of %s changed", name, tn)
			}
		}
	}

	// Rotating again with nothing new re-wraps in place and stays readable.
	if n, err := r.v.Rotate(t.Context()); err != nil || n != 2*len(tenants) {
		t.Fatalf("second Rotate = %d, %v", n, err)
	}
}

func TestRotateSkipsShredded(t *testing.T) {
	e := newEnv(t)
	e.seal(t, "a", "x", "")
	e.seal(t, "b", "y", "")
	all, err := e.st.AllKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Shred b after rotation read the keys: ReplaceKey must not bring it back.
	if err := e.v.Shred(t.Context(), "b"); err != nil {
		t.Fatal(err)
	}
	for _, k := range all {
		next := k
		next.Wrapped = append([]byte{}, k.Wrapped...)
		next.Wrapped[0] ^= 1
		err := e.st.ReplaceKey(t.Context(), next, k.Wrapped)
		if (k.Tenant == "b") != (err != nil) {
			t.Fatalf("ReplaceKey(%s) = %v", k.Tenant, err)
		}
	}
	if ks, _ := e.st.Keys(t.Context(), "b"); len(ks) != 0 {
		t.Fatal("rotation resurrected a shredded key")
	}
}
