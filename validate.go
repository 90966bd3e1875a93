package parley

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the domain's text fields. Passwords are bounded in bytes
// because bcrypt ignores everything past 72: a longer one is refused
// rather than silently truncated.
const (
	MinUsername    = 3
	MaxUsername    = 32
	MinPassword    = 8
	MaxPassword    = 72
	MaxDisplayName = 64
	MaxRoomName    = 64
	MaxRoomTopic   = 256
)

// ValidateUsername returns BAD_REQUEST unless s, already normalized, is
// 3-32 characters of a-z, 0-9, '_', '.' or '-'.
func ValidateUsername(s string) error {
	if !IsUsername(s) {
		return Errorf(CodeBadRequest, "username must be %d-%d characters of a-z, 0-9, '_', '.' or '-'", MinUsername, MaxUsername)
	}
	return nil
}

// IsUsername reports whether s is a well-formed, normalized username.
func IsUsername(s string) bool {
	if len(s) < MinUsername || len(s) > MaxUsername {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !IsUsernameByte(s[i]) || s[i] >= 'A' && s[i] <= 'Z' {
			return false
		}
	}
	return true
}

// IsUsernameByte reports whether c may appear in a username, in any case:
// mentions are recognised case-insensitively.
func IsUsernameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

// ValidatePassword returns BAD_REQUEST for a password shorter than 8
// characters or longer than 72 bytes.
func ValidatePassword(p string) error {
	switch {
	case len(p) < MinPassword:
		return Errorf(CodeBadRequest, "password must be at least %d characters", MinPassword)
	case len(p) > MaxPassword:
		return Errorf(CodeBadRequest, "password must be at most %d bytes", MaxPassword)
	}
	return nil
}

// ValidateDisplayName returns TOO_LARGE for a display name over 64
// characters and BAD_REQUEST for one holding control characters or
// bidirectional marks, embeddings, overrides or isolates (which could make
// a name read backwards or spill its direction into the text after it);
// an empty one is allowed (the username stands in).
func ValidateDisplayName(s string) error {
	if utf8.RuneCountInString(s) > MaxDisplayName {
		return Errorf(CodeTooLarge, "displayName is longer than %d characters", MaxDisplayName)
	}
	for _, r := range s {
		if unicode.IsControl(r) || isBidiControl(r) {
			return Errorf(CodeBadRequest, "displayName must not contain control or bidirectional formatting characters")
		}
	}
	return nil
}

// isBidiControl reports the characters of Unicode's Bidi_Control property.
func isBidiControl(r rune) bool {
	return unicode.Is(unicode.Bidi_Control, r)
}

// Validate checks a group room's name and topic, as trimmed by the caller.
// Both are shown on one line beside other text, so control characters and
// bidirectional formatting are refused as in display names.
func (r *Room) Validate() error {
	if err := ValidateRoomName(r.Name); err != nil {
		return err
	}
	return ValidateRoomTopic(r.Topic)
}

// ValidateRoomName checks a group room's name, as Room.Validate does.
func ValidateRoomName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return Errorf(CodeBadRequest, "name is required")
	case utf8.RuneCountInString(name) > MaxRoomName:
		return Errorf(CodeTooLarge, "name is longer than %d characters", MaxRoomName)
	case hasFormatting(name):
		return Errorf(CodeBadRequest, "name must not contain control or bidirectional formatting characters")
	}
	return nil
}

// ValidateRoomTopic checks a room's topic, as Room.Validate does.
func ValidateRoomTopic(topic string) error {
	switch {
	case utf8.RuneCountInString(topic) > MaxRoomTopic:
		return Errorf(CodeTooLarge, "topic is longer than %d characters", MaxRoomTopic)
	case hasFormatting(topic):
		return Errorf(CodeBadRequest, "topic must not contain control or bidirectional formatting characters")
	}
	return nil
}

func hasFormatting(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || isBidiControl(r) {
			return true
		}
	}
	return false
}
