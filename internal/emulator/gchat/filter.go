package gchat

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// cond is one comparison in a list filter, e.g. createTime > "2024-…".
type cond struct {
	field, op, value string
}

// maxFilterLen bounds filters; real ones are a few clauses.
const maxFilterLen = 2048

// parseFilter parses the AIP-160 subset Chat's list methods accept:
// comparisons joined by AND, where a parenthesized group (or a bare run)
// of comparisons joined by OR may stand for one. The result is a
// conjunction of disjunctions. Field and operator checks are the caller's.
func parseFilter(s string) ([][]cond, error) {
	if len(s) > maxFilterLen {
		return nil, errors.New("filter too long")
	}
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	var out [][]cond
	i := 0
	for i < len(toks) {
		paren := toks[i] == "("
		if paren {
			i++
		}
		var group []cond
		for {
			if i+3 > len(toks) {
				return nil, errors.New("incomplete comparison")
			}
			f, op, v := toks[i], toks[i+1], toks[i+2]
			if !isOp(op) || isKeyword(f) || isKeyword(v) {
				return nil, errors.New("malformed comparison")
			}
			group = append(group, cond{field: f, op: op, value: unquote(v)})
			i += 3
			if i < len(toks) && toks[i] == "OR" {
				i++
				continue
			}
			break
		}
		if paren {
			if i >= len(toks) || toks[i] != ")" {
				return nil, errors.New("missing )")
			}
			i++
		}
		out = append(out, group)
		if i < len(toks) {
			if toks[i] != "AND" || i+1 == len(toks) {
				return nil, errors.New("expected AND")
			}
			i++
		}
	}
	return out, nil
}

func isOp(s string) bool {
	switch s {
	case "=", ">", "<", ">=", "<=", ":":
		return true
	}
	return false
}

func isKeyword(s string) bool { return s == "AND" || s == "OR" || s == "(" || s == ")" || isOp(s) }

func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// tokenize splits a filter into fields, operators, parentheses, keywords
// and (double-quoted) values.
func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')' || c == '=' || c == ':':
			toks = append(toks, string(c))
			i++
		case c == '<' || c == '>':
			if i+1 < len(s) && s[i+1] == '=' {
				toks = append(toks, s[i:i+2])
				i += 2
			} else {
				toks = append(toks, string(c))
				i++
			}
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, errors.New("unterminated string")
			}
			toks = append(toks, s[i:i+j+2])
			i += j + 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n()=:<>\"", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

// pageToken encodes a list offset; Chat's tokens are opaque strings.
func pageToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

func parsePageToken(tok string) (int, bool) {
	if tok == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "o:"))
	if err != nil || n < 0 || !strings.HasPrefix(string(b), "o:") {
		return 0, false
	}
	return n, true
}

// pageSize parses pageSize with Chat's default and cap.
func pageSize(raw string, def, maxSize int) (int, bool) {
	if raw == "" {
		return def, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, false
	}
	if n == 0 {
		return def, true
	}
	return min(n, maxSize), true
}
