package webex

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"

	"parley/internal/emulator/ids"
)

// newID mints an ID the way Webex shapes them: unpadded base64 of
// ciscospark://us/<kind>/<uuid>.
func newID(kind string) string {
	return encodeID(kind, ids.UUID())
}

func encodeID(kind, uuid string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("ciscospark://us/" + kind + "/" + uuid))
}

// idKind decodes an ID and returns its type (MESSAGE, ROOM, …), or "" when
// it is not a Webex-shaped ID.
func idKind(id string) string {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(id, "="))
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(id, "="))
		if err != nil {
			return ""
		}
	}
	rest, ok := strings.CutPrefix(string(raw), "ciscospark://us/")
	if !ok {
		return ""
	}
	kind, _, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	return kind
}

// newToken mints an access token shaped like Webex's: random characters,
// then _PF84_ and the org's UUID.
func newToken(orgUUID string) string {
	var b [48]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:]) + "_PF84_" + orgUUID
}

// trackingID is put on every answer, as Webex does, for support requests.
func trackingID() string {
	return fmt.Sprintf("ROUTER_%s", strings.ToUpper(ids.UUID()))
}
