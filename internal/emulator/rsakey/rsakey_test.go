package rsakey

import "testing"

func TestTakeIsDistinctInARowAndRepeatsAfterTheRing(t *testing.T) {
	first := Take()
	if first.N.BitLen() != Bits {
		t.Fatalf("key of %d bits, want %d", first.N.BitLen(), Bits)
	}
	if err := first.Validate(); err != nil {
		t.Fatal(err)
	}
	prev := first
	for i := 1; i < Ring; i++ {
		k := Take()
		if k.Equal(prev) || k.Equal(first) {
			t.Fatalf("take %d returned a key already handed out within the ring", i)
		}
		prev = k
	}
	if again := Take(); !again.Equal(first) {
		t.Fatal("after a full ring, Take generated a new key instead of reusing the first")
	}
}
