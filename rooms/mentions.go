package rooms

import (
	"strings"
)

// maxMentions bounds the lookups one message can cause.
const maxMentions = 20

// MentionCandidates returns the distinct lower-cased usernames written as
// @name in text, in order of first appearance. An @ inside a word (an email
// address) is not a mention; a trailing '.' or '-' is punctuation.
func MentionCandidates(text string) []string {
	var out []string
	seen := map[string]bool{}
	for i := 0; i < len(text); i++ {
		if text[i] != '@' || (i > 0 && isUsernameByte(text[i-1])) {
			continue
		}
		j := i + 1
		for j < len(text) && isUsernameByte(text[j]) {
			j++
		}
		name := strings.TrimRight(strings.ToLower(text[i+1:j]), ".-")
		i = j - 1
		if !ValidUsername(name) || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
		if len(out) == maxMentions {
			break
		}
	}
	return out
}

// ValidUsername reports whether s is 3-32 characters of [a-z0-9_.-].
func ValidUsername(s string) bool {
	if len(s) < 3 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isUsernameByte(s[i]) || s[i] >= 'A' && s[i] <= 'Z' {
			return false
		}
	}
	return true
}

func isUsernameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}
