package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/parley-chat/parley"
)

// decodeJSON reads a JSON object into dst with errors a client can act on.
func decodeJSON(r io.Reader, dst any) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err // the body limit middleware's 413 comes through here
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return parley.Errorf(parley.CodeBadRequest, "a JSON object body is required")
	}
	return unmarshalObject(b, dst)
}

// decodePayload converts a Socket.IO event argument (already parsed into
// maps, slices and float64s) into dst.
func decodePayload(raw any, dst any) error {
	if _, ok := raw.(map[string]any); !ok {
		return parley.Errorf(parley.CodeBadRequest, "payload must be an object")
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return parley.Errorf(parley.CodeBadRequest, "payload is not valid JSON")
	}
	return unmarshalObject(b, dst)
}

func unmarshalObject(b []byte, dst any) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		if json.Valid(b) {
			return parley.Errorf(parley.CodeBadRequest, "body must be a JSON object")
		}
		return parley.Errorf(parley.CodeBadRequest, "malformed JSON")
	}
	err := json.Unmarshal(b, dst)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntax):
		return parley.Errorf(parley.CodeBadRequest, "malformed JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "value"
		}
		return parley.Errorf(parley.CodeBadRequest, "%s must be %s", field, article(typ.Type.Kind().String()))
	}
	return parley.Errorf(parley.CodeBadRequest, "malformed JSON: %v", err)
}

func article(kind string) string {
	switch kind {
	case "int", "int64", "int32", "uint", "uint64":
		return "an integer"
	case "bool":
		return "a boolean"
	case "map", "struct":
		return "an object"
	case "slice":
		return "a list"
	}
	return fmt.Sprintf("a %s", kind)
}
