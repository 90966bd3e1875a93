package assistant

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// maxRequest bounds the text the assistant works on; the rest of a very
// long message is context, not a question.
const maxRequest = 2000

// sanitize turns a message into the request it makes of the bot: its
// @mentions of the bot removed, control characters dropped, whitespace
// tidied and length bounded.
func sanitize(text string, mention *regexp.Regexp) string {
	text = mention.ReplaceAllString(text, "$1 ")
	text = clean(text)
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	text = strings.TrimSpace(strings.Join(lines, "\n"))
	text = strings.TrimLeft(text, ",:;，：；、 ")
	if r := []rune(text); len(r) > maxRequest {
		text = string(r[:maxRequest])
	}
	return strings.TrimSpace(text)
}

func mentionPattern(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)(^|[^A-Za-z0-9_.\-])@` + regexp.QuoteMeta(name) + `\b[.\-]*`)
}

// Normalize is how taught questions are compared: full-width forms folded to
// their usual width, lower case, punctuation and symbols dropped, runs of
// whitespace made one space. "What's the Wi-Fi？" and "whats the wifi"
// are the same question.
func Normalize(s string) string {
	s = width.Fold.String(s)
	s = strings.ToLower(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// language picks the reply language from the request: Chinese if it holds
// any Han characters, English otherwise.
func language(s string) string {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return "zh"
		}
	}
	return "en"
}
