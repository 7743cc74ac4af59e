package gchat

import (
	"bytes"
	"encoding/json"
	"errors"
)

// jsonStrict decodes exactly one JSON value; trailing data is malformed.
func jsonStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after JSON")
	}
	return nil
}
