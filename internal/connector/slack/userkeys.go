package slack

import (
	"strings"

	"parley/internal/core"
)

// Keys are prefixed so that an ID can never collide with an email.
func idKey(id core.UserID) string { return "id:" + string(id) }
func emailKey(e string) string    { return "email:" + strings.ToLower(e) }
