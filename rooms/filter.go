package rooms

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"strings"
	"unicode"
)

//go:embed sensitive_words.txt
var defaultWordList []byte

// Filter masks sensitive words with '*', case-insensitively. Words made only
// of ASCII letters and digits match whole words (so "class" is not caught by
// a listed "ass"); other words, such as Chinese ones, match anywhere.
type Filter struct {
	words [][]rune
}

// NewFilter builds a filter from words; blank entries are ignored.
func NewFilter(words []string) *Filter {
	f := &Filter{}
	for _, w := range words {
		w = strings.TrimSpace(w)
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		f.words = append(f.words, lowerRunes([]rune(w)))
	}
	return f
}

// DefaultFilter uses the small list shipped with Parley.
func DefaultFilter() *Filter {
	f, _ := parseWordList(defaultWordList)
	return f
}

// LoadFilter reads one word per line ('#' starts a comment line).
func LoadFilter(path string) (*Filter, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read sensitive word list: %w", err)
	}
	return parseWordList(b)
}

func parseWordList(b []byte) (*Filter, error) {
	var words []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		words = append(words, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("parse sensitive word list: %w", err)
	}
	return NewFilter(words), nil
}

// Mask returns text with every listed word replaced by as many '*' as it has
// characters, and whether anything was masked.
func (f *Filter) Mask(text string) (string, bool) {
	if f == nil || len(f.words) == 0 {
		return text, false
	}
	orig := []rune(text)
	lower := lowerRunes(append([]rune(nil), orig...))
	masked := false
	for _, w := range f.words {
		whole := isWordish(w)
		for i := 0; i+len(w) <= len(lower); i++ {
			if !runesEqual(lower[i:i+len(w)], w) {
				continue
			}
			if whole && (i > 0 && isWordRune(lower[i-1]) || i+len(w) < len(lower) && isWordRune(lower[i+len(w)])) {
				continue
			}
			for j := i; j < i+len(w); j++ {
				orig[j] = '*'
			}
			masked = true
			i += len(w) - 1
		}
	}
	if !masked {
		return text, false
	}
	return string(orig), true
}

// lowerRunes lower-cases rune by rune so indexes stay aligned with the
// original text (strings.ToLower may change lengths).
func lowerRunes(r []rune) []rune {
	for i, c := range r {
		r[i] = unicode.ToLower(c)
	}
	return r
}

func runesEqual(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func isWordish(w []rune) bool {
	for _, c := range w {
		if !isWordRune(c) {
			return false
		}
	}
	return true
}

func isWordRune(c rune) bool {
	return c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c))
}

// LongestPhrase is the length in characters of the longest listed entry
// that is not one word (it holds a space or punctuation), 0 if none is. A
// streaming writer that only shows complete words must also hold back that
// many characters, or it could show the start of such a phrase.
func (f *Filter) LongestPhrase() int {
	n := 0
	if f == nil {
		return 0
	}
	for _, w := range f.words {
		for _, r := range w {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				n = max(n, len(w))
				break
			}
		}
	}
	return n
}
