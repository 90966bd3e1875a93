package server

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/parley-chat/parley"
)

func wantBadRequest(t *testing.T, err error, msgPart string) {
	t.Helper()
	if parley.CodeOf(err) != parley.CodeBadRequest {
		t.Fatalf("err = %v, want BAD_REQUEST", err)
	}
	if !strings.Contains(parley.ErrorMessage(err), msgPart) {
		t.Errorf("message %q does not contain %q", parley.ErrorMessage(err), msgPart)
	}
}

type sample struct {
	Room    string           `json:"room"`
	Before  int64            `json:"before"`
	Typing  *bool            `json:"typing"`
	Cursors map[string]int64 `json:"cursors"`
	Tags    []string         `json:"tags"`
}

func TestDecodePayloadObjects(t *testing.T) {
	var got sample
	// Socket.IO hands us maps, slices and float64s.
	raw := map[string]any{
		"room": "general", "before": float64(42), "typing": true,
		"cursors": map[string]any{"general": float64(7)}, "tags": []any{"a", "b"},
		"unknown": "ignored",
	}
	if err := decodePayload(raw, &got); err != nil {
		t.Fatalf("decodePayload: %v", err)
	}
	if got.Room != "general" || got.Before != 42 || got.Typing == nil || !*got.Typing ||
		got.Cursors["general"] != 7 || len(got.Tags) != 2 {
		t.Errorf("decoded %+v", got)
	}
	if err := decodePayload(map[string]any{}, &got); err != nil {
		t.Errorf("empty object: %v", err)
	}
}

func TestDecodePayloadNotAnObject(t *testing.T) {
	for name, raw := range map[string]any{
		"bare string": "general",
		"nil":         nil,
		"number":      float64(3),
		"array":       []any{map[string]any{"room": "general"}},
		"bool":        true,
	} {
		t.Run(name, func(t *testing.T) {
			var dst sample
			wantBadRequest(t, decodePayload(raw, &dst), "payload must be an object")
		})
	}
}

func TestDecodePayloadWrongFieldTypes(t *testing.T) {
	for _, tt := range []struct {
		raw  map[string]any
		want string
	}{
		{map[string]any{"room": float64(5)}, "room must be a string"},
		{map[string]any{"room": map[string]any{}}, "room must be a string"},
		{map[string]any{"before": "10"}, "before must be an integer"},
		{map[string]any{"before": 1.5}, "before must be an integer"},
		{map[string]any{"typing": "yes"}, "typing must be a boolean"},
		{map[string]any{"cursors": []any{float64(1)}}, "cursors must be an object"},
		{map[string]any{"cursors": map[string]any{"general": "x"}}, "cursors"},
		{map[string]any{"tags": "a,b"}, "tags must be a list"},
	} {
		var dst sample
		err := decodePayload(tt.raw, &dst)
		wantBadRequest(t, err, tt.want)
	}
}

func TestDecodeJSON(t *testing.T) {
	var dst sample
	if err := decodeJSON(strings.NewReader(` {"room":"r1","before":3} `), &dst); err != nil || dst.Room != "r1" || dst.Before != 3 {
		t.Fatalf("decodeJSON = %+v, %v", dst, err)
	}
	for _, tt := range []struct {
		name, body, want string
	}{
		{"empty body", "", "a JSON object body is required"},
		{"blank body", " \n\t", "a JSON object body is required"},
		{"malformed", `{"room": `, "malformed JSON"},
		{"malformed inside", `{"room" "x"}`, "malformed JSON"},
		{"trailing garbage", `{"room":"x"} {`, "malformed JSON"},
		{"not JSON at all", `room=general`, "malformed JSON"},
		{"array body", `[{"room":"x"}]`, "body must be a JSON object"},
		{"string body", `"general"`, "body must be a JSON object"},
		{"null body", `null`, "body must be a JSON object"},
		{"wrong field type", `{"before":"yesterday"}`, "before must be an integer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var dst sample
			wantBadRequest(t, decodeJSON(strings.NewReader(tt.body), &dst), tt.want)
		})
	}
}

func TestDecodeJSONReadErrorPassesThrough(t *testing.T) {
	cause := errors.New("body too large")
	var dst sample
	if err := decodeJSON(iotest.ErrReader(cause), &dst); !errors.Is(err, cause) {
		t.Errorf("decodeJSON = %v, want the reader's error (the body limit's 413 depends on it)", err)
	}
}
