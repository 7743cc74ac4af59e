package admin

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
)

// Lists that grow (links, traffic, audit, roles) are paged: ?limit=N
// (default 100, at most 1000) and ?cursor=C, where C is the next_cursor of
// the previous page. A cursor is opaque to clients: base64url of a small
// JSON position, versioned so its meaning can change.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// position is where a page ends: after the key K (an ID or sequence
// number), or, in the traffic log, after N entries at time T.
type position struct {
	V int    `json:"v"`
	K string `json:"k,omitempty"`
	T int64  `json:"t,omitempty"`
	N int    `json:"n,omitempty"`
}

const cursorVersion = 1

func encodeCursor(p position) string {
	p.V = cursorVersion
	b, _ := json.Marshal(p)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses a cursor from outside; "" is the first page.
func decodeCursor(s string) (position, *Error) {
	if s == "" {
		return position{}, nil
	}
	if len(s) > 512 {
		return position{}, badRequest("cursor: not one this API gave out")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return position{}, badRequest("cursor: not one this API gave out")
	}
	var p position
	if e := decodeStrict(b, &p); e != nil || p.V != cursorVersion || p.N < 0 || p.T < 0 {
		return position{}, badRequest("cursor: not one this API gave out")
	}
	return p, nil
}

// page reads limit and cursor from the query.
func page(r *http.Request) (int, position, *Error) {
	limit := defaultLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return 0, position{}, badRequest("limit: want a whole number from 1 to %d", maxLimit)
		}
		limit = n
	}
	p, e := decodeCursor(r.URL.Query().Get("cursor"))
	return limit, p, e
}
