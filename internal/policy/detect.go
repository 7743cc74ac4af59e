package policy

import (
	"errors"
	"regexp"
)

// A detector finds the byte ranges of s that hold what it looks for, in
// order and without overlap.
type detector interface {
	find(s string) [][2]int
}

// luhnDetector finds payment card numbers: 13 to 19 digits, optionally in
// groups separated by single spaces or hyphens, starting with a digit
// that card networks use (2 to 6) and passing the Luhn check — which
// keeps order numbers and phone numbers out.
type luhnDetector struct{}

func (luhnDetector) find(s string) [][2]int {
	return scanRuns(s, isDigit, func(b byte) bool { return b == ' ' || b == '-' }, 19,
		func(chars []byte) bool {
			return len(chars) >= 13 && chars[0] >= '2' && chars[0] <= '6' && luhn(chars)
		}, func(s string, i int) bool { return isDigit(s[i]) })
}

// luhn reports whether digits pass the Luhn (mod 10) check.
func luhn(digits []byte) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// ibanDetector finds IBANs: a country code, two check digits and up to 30
// letters or digits, optionally in groups of four separated by spaces,
// whose ISO 7064 mod-97 check gives 1.
type ibanDetector struct{}

func (ibanDetector) find(s string) [][2]int {
	return scanRuns(s, isAlnum, func(b byte) bool { return b == ' ' }, 34,
		func(chars []byte) bool { return ibanValid(chars) },
		func(s string, i int) bool {
			return i+4 <= len(s) && isLetter(s[i]) && isLetter(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3])
		})
}

// ibanValid checks an IBAN without separators: length, shape and mod 97.
func ibanValid(c []byte) bool {
	if len(c) < 15 || len(c) > 34 || !isLetter(c[0]) || !isLetter(c[1]) || !isDigit(c[2]) || !isDigit(c[3]) {
		return false
	}
	rem := 0
	add := func(b byte) {
		switch {
		case isDigit(b):
			rem = (rem*10 + int(b-'0')) % 97
		default:
			v := int(upper(b)-'A') + 10
			rem = (rem*100 + v) % 97
		}
	}
	for _, b := range c[4:] {
		add(b)
	}
	for _, b := range c[:4] {
		add(b)
	}
	return rem == 1
}

// scanRuns finds runs of chars (with single separators between them) that
// start where start allows, at a word boundary, and end at one. Of each
// run it takes the longest prefix, ending on a char before a boundary,
// that valid accepts: a number followed by more words or digits is still
// found.
func scanRuns(s string, char, sep func(byte) bool, max int, valid func([]byte) bool, start func(string, int) bool) [][2]int {
	var out [][2]int
	chars := make([]byte, 0, max)
	ends := make([]int, 0, max)
	for i := 0; i < len(s); {
		if (i > 0 && isAlnum(s[i-1])) || !start(s, i) {
			i++
			continue
		}
		chars, ends = chars[:0], ends[:0]
		j := i
		for j < len(s) && len(chars) < max+1 {
			if char(s[j]) {
				chars = append(chars, s[j])
				ends = append(ends, j+1)
				j++
				continue
			}
			if sep(s[j]) && j+1 < len(s) && char(s[j+1]) && j > i {
				j++
				continue
			}
			break
		}
		found := false
		for k := min(len(chars), max); k > 0; k-- {
			end := ends[k-1]
			if end < len(s) && isAlnum(s[end]) {
				continue // ends inside a word
			}
			if valid(chars[:k]) {
				out = append(out, [2]int{i, end})
				i, found = end, true
				break
			}
		}
		if !found {
			i++
		}
	}
	return out
}

// secretPatterns are credential formats with a fixed, documented shape:
// false positives are rare, and each one leaked is an incident.
var secretPatterns = regexp.MustCompile(`(?s:-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|$))` +
	`|\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b` + // AWS access key IDs
	`|\bxox[abposr]-[A-Za-z0-9-]{10,}` + // Slack tokens
	`|\bxapp-[0-9]-[A-Za-z0-9-]{10,}` + // Slack app-level tokens
	`|https://hooks\.slack\.com/services/[A-Za-z0-9_/]{20,}` + // Slack incoming webhooks
	`|\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b` + // GitHub tokens
	`|\bgithub_pat_[A-Za-z0-9_]{22,255}` + // GitHub fine-grained tokens
	`|\bAIza[0-9A-Za-z_-]{35}` + // Google API keys
	`|\b[rs]k_live_[0-9A-Za-z]{16,}`) // Stripe live keys

type regexDetector struct{ re *regexp.Regexp }

func (d regexDetector) find(s string) [][2]int {
	var out [][2]int
	for _, m := range d.re.FindAllStringIndex(s, -1) {
		if m[1] > m[0] {
			out = append(out, [2]int{m[0], m[1]})
		}
	}
	return out
}

// compilePattern compiles an admin's RE2 expression within the bounds.
func compilePattern(p string) (*regexp.Regexp, error) {
	if err := checkProgram(p); err != nil {
		return nil, err
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, errors.New("not a valid RE2 expression")
	}
	if re.MatchString("") {
		return nil, errors.New("it matches empty text, so it would match every message; make it match something")
	}
	return re, nil
}

func newDetector(r Rule) (detector, error) {
	switch r.Detector {
	case DetectPaymentCard:
		return luhnDetector{}, nil
	case DetectIBAN:
		return ibanDetector{}, nil
	case DetectSecret:
		return regexDetector{secretPatterns}, nil
	case DetectRegex:
		re, err := compilePattern(r.Pattern)
		if err != nil {
			return nil, err
		}
		return regexDetector{re}, nil
	}
	return nil, invalid("detector %q", r.Detector)
}

func isDigit(b byte) bool  { return b >= '0' && b <= '9' }
func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' }
func isAlnum(b byte) bool  { return isDigit(b) || isLetter(b) }
func upper(b byte) byte {
	if b >= 'a' && b <= 'z' {
		return b - 'a' + 'A'
	}
	return b
}
