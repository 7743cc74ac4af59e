package ids

import (
	"regexp"
	"slices"
	"testing"
)

func TestStringIsUniform(t *testing.T) {
	// Every byte value once: a uniform draw uses each character the same
	// number of times and draws again for the bytes past the last whole
	// multiple of the alphabet.
	for _, alphabet := range []string{Digits, UpperAlnum, Alnum, URLSafe, "ab", "x"} {
		t.Run(alphabet, func(t *testing.T) {
			all := make([]byte, 256)
			for i := range all {
				all[i] = byte(i)
			}
			per := 256 / len(alphabet)
			fed := false
			got := stringFrom(alphabet, per*len(alphabet), func(b []byte) {
				if fed {
					t.Fatal("asked for more bytes than a uniform draw of 256 values needs")
				}
				fed = true
				// b is longer than 256: the zero bytes after all would
				// be drawn too if the draw did not stop at n.
				clear(b)
				copy(b, all)
			})
			counts := map[rune]int{}
			for _, r := range got {
				counts[r]++
			}
			for _, r := range alphabet {
				if counts[r] != per {
					t.Fatalf("%q drawn %d times, want %d (%v)", r, counts[r], per, counts)
				}
			}
		})
	}
}

func TestStringDrawsAgainPastTheLastMultiple(t *testing.T) {
	// 255 is past the last whole multiple of each of these alphabets'
	// lengths: a plain modulo would map it to a character (and so favour
	// the first ones); a uniform draw skips it and uses the next byte.
	for _, alphabet := range []string{Digits, UpperAlnum, Alnum, LowerAlnum, "abc"} {
		got := stringFrom(alphabet, 1, func(b []byte) {
			for i := range b {
				b[i] = 4
			}
			b[0] = 255
		})
		if want := alphabet[4%len(alphabet) : 4%len(alphabet)+1]; got != want {
			t.Errorf("%s: drew %q from byte 255, want %q from the next byte", alphabet, got, want)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		alphabet string
		n        int
		re       string
	}{
		{Digits, 20, `^[0-9]{20}$`},
		{UpperAlnum, 10, `^[0-9A-Z]{10}$`},
		{URLSafe, 43, `^[A-Za-z0-9_-]{43}$`},
		{LowerAlnum, 0, `^$`},
	}
	for _, tt := range tests {
		got := String(tt.alphabet, tt.n)
		if !regexp.MustCompile(tt.re).MatchString(got) {
			t.Errorf("String(%q, %d) = %q", tt.alphabet, tt.n, got)
		}
	}
	if String(Alnum, 32) == String(Alnum, 32) {
		t.Fatal("two draws agree")
	}
}

func TestHexAndUUID(t *testing.T) {
	if h := Hex(16); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(h) {
		t.Fatalf("Hex(16) = %q", h)
	}
	u := UUID()
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(u) {
		t.Fatalf("UUID() = %q, want a lowercase version-4 UUID", u)
	}
}

func TestSet(t *testing.T) {
	var s Set
	queue := []string{"C1", "C1", "C1", "C2"}
	gen := func() string { id := queue[0]; queue = queue[1:]; return id }
	if got := s.New(gen); got != "C1" {
		t.Fatalf("first ID %q", got)
	}
	if got := s.New(gen); got != "C2" {
		t.Fatalf("second ID %q: a duplicate was handed out", got)
	}
	if len(queue) != 0 {
		t.Fatalf("left %v", queue)
	}
}

func TestIncreasing(t *testing.T) {
	var s Increasing
	var got []int64
	for _, now := range []int64{100, 100, 100, 99, 105, 104} {
		got = append(got, s.Next(now))
	}
	want := []int64{100, 101, 102, 103, 105, 106}
	if !slices.Equal(got, want) {
		t.Fatalf("Next = %v, want %v", got, want)
	}
}
