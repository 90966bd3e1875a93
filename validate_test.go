package parley_test

import (
	"strings"
	"testing"

	"github.com/parley-chat/parley"
)

func TestIsUsername(t *testing.T) {
	for s, want := range map[string]bool{
		"abc":                   true,
		"alice":                 true,
		"a_b.c-d9":              true,
		"007":                   true,
		strings.Repeat("x", 32): true,
		strings.Repeat("x", 33): false,
		"ab":                    false,
		"":                      false,
		"Alice":                 false, // callers normalise first
		"al ice":                false,
		"al@ce":                 false,
		"élise":                 false,
		"用户名":                   false,
		"alice!":                false,
	} {
		if got := parley.IsUsername(s); got != want {
			t.Errorf("IsUsername(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	for p, want := range map[string]parley.Code{
		"short":                 parley.CodeBadRequest,
		"eight ch":              "",
		strings.Repeat("x", 72): "",
		strings.Repeat("x", 73): parley.CodeBadRequest, // bcrypt would ignore the rest
		strings.Repeat("é", 36): "",                    // 72 bytes
		strings.Repeat("é", 37): parley.CodeBadRequest,
	} {
		if got := parley.CodeOf(parley.ValidatePassword(p)); got != want {
			t.Errorf("ValidatePassword(%d bytes) = %q, want %q", len(p), got, want)
		}
	}
}

func TestRoomValidate(t *testing.T) {
	for _, c := range []struct {
		room parley.Room
		want parley.Code
	}{
		{parley.Room{Name: "ops"}, ""},
		{parley.Room{Name: " "}, parley.CodeBadRequest},
		{parley.Room{Name: strings.Repeat("名", parley.MaxRoomName)}, ""},
		{parley.Room{Name: strings.Repeat("名", parley.MaxRoomName+1)}, parley.CodeTooLarge},
		{parley.Room{Name: "ops", Topic: strings.Repeat("t", parley.MaxRoomTopic+1)}, parley.CodeTooLarge},
		{parley.Room{Name: "ops\nroom"}, parley.CodeBadRequest},
		{parley.Room{Name: "ops\u202e"}, parley.CodeBadRequest},
		{parley.Room{Name: "ops", Topic: "tabs\tare control"}, parley.CodeBadRequest},
		{parley.Room{Name: "ops", Topic: "plain topic, 中文 ok"}, ""},
	} {
		if got := parley.CodeOf(c.room.Validate()); got != c.want {
			t.Errorf("%q/%d-char topic: Validate = %q, want %q", c.room.Name, len(c.room.Topic), got, c.want)
		}
	}
}
