package assistant

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mentions reports whether text mentions @name anywhere, ignoring case. An
// @ inside a word (an e-mail address) or a longer name that merely starts
// with name does not count.
func Mentions(text, name string) bool {
	lower := strings.ToLower(text)
	name = "@" + strings.ToLower(name)
	for i := 0; ; {
		j := strings.Index(lower[i:], name)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(name)
		if (start == 0 || !isNameRune(lastRune(lower[:start]))) && (end == len(lower) || !isNameRune(firstRune(lower[end:])) || endsName(lower[end:])) {
			return true
		}
		i = start + 1
	}
}

// endsName lets "@assistant." and "@assistant-" count: a trailing '.' or
// '-' is punctuation, as the hub's mention parser treats it.
func endsName(rest string) bool {
	trimmed := strings.TrimLeft(rest, ".-")
	return trimmed != rest && (trimmed == "" || !isNameRune(firstRune(trimmed)))
}

func isNameRune(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '-')
}

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }
func lastRune(s string) rune  { r, _ := utf8.DecodeLastRuneInString(s); return r }
