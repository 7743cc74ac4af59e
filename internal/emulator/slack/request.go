package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// args are a Web API call's arguments. Slack accepts the same arguments as
// form fields or JSON members; a JSON string member becomes its string, any
// other JSON value (array, object, number, bool) its JSON text, which is
// exactly what a form client sends for blocks or metadata.
type args map[string]string

// decodeArgs parses a request's arguments from the query string and the
// body by Content-Type. It returns Slack's error code for a body it cannot
// read: invalid_json or invalid_form_data.
func decodeArgs(r *http.Request, body []byte) (a args, isJSON bool, errCode string) {
	a = args{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			a[k] = v[0]
		}
	}
	if len(body) == 0 {
		return a, false, ""
	}
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		mediaType = "application/x-www-form-urlencoded"
	}
	switch mediaType {
	case "application/json":
		var obj map[string]json.RawMessage
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&obj); err != nil || obj == nil {
			return nil, true, "invalid_json"
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, true, "invalid_json"
		}
		for k, raw := range obj {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				a[k] = s
				continue
			}
			a[k] = string(raw)
		}
		return a, true, ""
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		form, err := mr.ReadForm(maxAPIBody)
		if err != nil {
			return nil, false, "invalid_form_data"
		}
		defer func() { _ = form.RemoveAll() }()
		for k, v := range form.Value {
			if len(v) > 0 {
				a[k] = v[0]
			}
		}
		return a, false, ""
	default:
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, false, "invalid_form_data"
		}
		for k, v := range vals {
			if len(v) > 0 {
				a[k] = v[0]
			}
		}
		return a, false, ""
	}
}

// flag reads a boolean argument the way Slack does: "true" or "1".
func (a args) flag(name string) bool {
	v := strings.ToLower(a[name])
	return v == "true" || v == "1"
}

// limit reads a page size clamped to max; a missing, non-numeric or
// non-positive value falls back to def.
func (a args) limit(def, max int) int {
	n, err := strconv.Atoi(a["limit"])
	if err != nil || n <= 0 {
		return def
	}
	if n > max {
		return max
	}
	return n
}

// jsonArg returns a JSON-valued argument (blocks, metadata, files) if it is
// present and valid JSON.
func (a args) jsonArg(name string) (json.RawMessage, bool, error) {
	v := strings.TrimSpace(a[name])
	if v == "" {
		return nil, false, nil
	}
	if !json.Valid([]byte(v)) {
		return nil, true, errors.New("invalid json")
	}
	return json.RawMessage(v), true, nil
}
