package rooms

import (
	"strings"

	"github.com/parley-chat/parley"
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
		if text[i] != '@' || (i > 0 && parley.IsUsernameByte(text[i-1])) {
			continue
		}
		j := i + 1
		for j < len(text) && parley.IsUsernameByte(text[j]) {
			j++
		}
		name := strings.TrimRight(strings.ToLower(text[i+1:j]), ".-")
		i = j - 1
		if !parley.IsUsername(name) || seen[name] {
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
