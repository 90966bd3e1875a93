package rooms_test

import (
	"strings"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/rooms"
)

// FuzzMentionCandidates: on any text, every candidate is a valid,
// lower-case username written as @name at the start of a word, none
// repeats, and one message never asks for more than 20 lookups.
func FuzzMentionCandidates(f *testing.F) {
	for _, s := range []string{
		"hi @alice and @Bob.",
		"mail bob@example.com",
		"@al @alice @ALICE @alice-",
		"@" + strings.Repeat("a", 40),
		"@@@@",
		"(@carol) @dave_1,@erin.smith...",
		"@\xff\xfe@frank",
		"@é @ada",
		strings.Repeat("@user0 ", 30),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := rooms.MentionCandidates(text)
		if len(got) > 20 {
			t.Fatalf("%q: %d candidates, want at most 20", text, len(got))
		}
		lower := asciiLower(text)
		seen := map[string]bool{}
		for _, name := range got {
			if !parley.IsUsername(name) {
				t.Fatalf("%q: candidate %q is not a valid username", text, name)
			}
			if seen[name] {
				t.Fatalf("%q: candidate %q appears twice in %q", text, name, got)
			}
			seen[name] = true
			if !writtenAsMention(lower, name) {
				t.Fatalf("%q: candidate %q is not written as @%s at the start of a word", text, name, name)
			}
		}
	})
}

// writtenAsMention reports whether "@"+name occurs in text with no
// username character before the '@'.
func writtenAsMention(text, name string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] == '@' && (i == 0 || !parley.IsUsernameByte(text[i-1])) && strings.HasPrefix(text[i+1:], name) {
			return true
		}
	}
	return false
}

// asciiLower lowers A-Z only, byte for byte, as usernames are matched.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
