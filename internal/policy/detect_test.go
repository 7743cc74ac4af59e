package policy

import (
	"strings"
	"testing"
)

func found(d detector, s string) []string {
	var out []string
	for _, m := range d.find(s) {
		out = append(out, s[m[0]:m[1]])
	}
	return out
}

func TestDetectors(t *testing.T) {
	for _, tc := range []struct {
		name string
		det  detector
		in   string
		want []string
	}{
		{"visa test number", luhnDetector{}, "card 4111111111111111 ok", []string{"4111111111111111"}},
		{"grouped with spaces", luhnDetector{}, "pay 4111 1111 1111 1111 now", []string{"4111 1111 1111 1111"}},
		{"grouped with hyphens", luhnDetector{}, "5555-5555-5555-4444.", []string{"5555-5555-5555-4444"}},
		{"amex, 15 digits", luhnDetector{}, "378282246310005", []string{"378282246310005"}},
		{"two cards", luhnDetector{}, "4111111111111111 and 5555555555554444", []string{"4111111111111111", "5555555555554444"}},
		{"luhn fails", luhnDetector{}, "4111 1111 1111 1112", nil},
		{"too short", luhnDetector{}, "411111111111", nil},
		{"inside a longer number", luhnDetector{}, "order 94111111111111111", nil},
		{"inside a word", luhnDetector{}, "x4111111111111111", nil},
		{"not a card network prefix", luhnDetector{}, "0000000000000000", nil},
		{"card then more digits after a space", luhnDetector{}, "4111 1111 1111 1111 22", []string{"4111 1111 1111 1111"}},
		{"double space is not a separator", luhnDetector{}, "4111  1111 1111 1111", nil},

		{"iban compact", ibanDetector{}, "to GB82WEST12345698765432 please", []string{"GB82WEST12345698765432"}},
		{"iban grouped", ibanDetector{}, "IBAN: DE89 3704 0044 0532 0130 00 is mine", []string{"DE89 3704 0044 0532 0130 00"}},
		{"iban lower case", ibanDetector{}, "gb82west12345698765432", []string{"gb82west12345698765432"}},
		{"iban check fails", ibanDetector{}, "GB82 WEST 1234 5698 7654 33", nil},
		{"iban inside a word", ibanDetector{}, "xGB82WEST12345698765432", nil},
		{"not an iban", ibanDetector{}, "AB12 is a code", nil},

		{"aws key", regexDetector{secretPatterns}, "key AKIAIOSFODNN7EXAMPLE here", []string{"AKIAIOSFODNN7EXAMPLE"}},
		{"slack token", regexDetector{secretPatterns}, "xoxb-1234567890-abcdefghij", []string{"xoxb-1234567890-abcdefghij"}},
		{"github token", regexDetector{secretPatterns}, "ghp_" + strings.Repeat("a1B2", 9), []string{"ghp_" + strings.Repeat("a1B2", 9)}},
		{"private key block", regexDetector{secretPatterns}, "here:\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nbye",
			[]string{"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"}},
		{"private key cut short", regexDetector{secretPatterns}, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn", []string{"-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn"}},
		{"public key is fine", regexDetector{secretPatterns}, "-----BEGIN PUBLIC KEY-----", nil},
		{"plain words", regexDetector{secretPatterns}, "the AKIA of it", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := found(tc.det, tc.in)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Fatalf("find(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLuhnAndMod97(t *testing.T) {
	for _, s := range []string{"79927398713", "4111111111111111", "4012888888881881"} {
		if !luhn([]byte(s)) {
			t.Errorf("luhn(%s) = false", s)
		}
	}
	if luhn([]byte("79927398710")) {
		t.Error("luhn(79927398710) = true")
	}
	for _, s := range []string{"GB82WEST12345698765432", "FR1420041010050500013M02606", "NL91ABNA0417164300"} {
		if !ibanValid([]byte(s)) {
			t.Errorf("ibanValid(%s) = false", s)
		}
	}
	if ibanValid([]byte("NL91ABNA0417164301")) {
		t.Error("ibanValid accepts a wrong check")
	}
}

// checkRanges: ranges are in order, inside s, non-empty and disjoint.
func checkRanges(t *testing.T, s string, ms [][2]int) {
	t.Helper()
	last := 0
	for _, m := range ms {
		if m[0] < last || m[1] <= m[0] || m[1] > len(s) {
			t.Fatalf("bad ranges %v for %q", ms, s)
		}
		last = m[1]
	}
}

// FuzzDetectors: on any text every detector returns ordered, disjoint
// ranges, and what the card and IBAN detectors find passes their checks.
func FuzzDetectors(f *testing.F) {
	for _, s := range []string{"4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32", "AKIAIOSFODNN7EXAMPLE", "-----BEGIN PRIVATE KEY-----\nx",
		"5555-5555-5555-4444-", "DE89370400440532013000DE89370400440532013000", "", "4", "\xff\xfe", "4111 1111 1111 1111 1111 1111"} {
		f.Add(s)
	}
	dets := map[string]detector{"card": luhnDetector{}, "iban": ibanDetector{}, "secret": regexDetector{secretPatterns}}
	f.Fuzz(func(t *testing.T, s string) {
		for name, d := range dets {
			ms := d.find(s)
			checkRanges(t, s, ms)
			for _, m := range ms {
				var chars []byte
				for _, b := range []byte(s[m[0]:m[1]]) {
					if isAlnum(b) {
						chars = append(chars, b)
					}
				}
				if name == "card" && !luhn(chars) || name == "iban" && !ibanValid(chars) {
					t.Fatalf("%s found %q, which fails its check", name, s[m[0]:m[1]])
				}
			}
		}
	})
}
