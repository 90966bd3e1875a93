package rooms

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coregx/ahocorasick"
)

//go:embed sensitive_words.txt
var defaultWordList []byte

// Filter masks sensitive words with '*', case-insensitively. Words made only
// of ASCII letters and digits match whole words (so "class" is not caught by
// a listed "ass"); other words, such as Chinese ones, match anywhere.
//
// All words are found in one pass over the text (an Aho-Corasick
// automaton), so the cost grows with the text, not with the list: lists of
// ten thousand words are usual where the law requires them.
type Filter struct {
	words [][]rune // lower-cased, in list order
	whole []bool   // words[i] matches whole words only
	ac    *ahocorasick.Automaton
}

// NewFilter builds a filter from words; blank entries are ignored.
func NewFilter(words []string) *Filter {
	f := &Filter{}
	var patterns [][]byte
	for _, w := range words {
		w = strings.TrimSpace(w)
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		lw := lowerRunes([]rune(w))
		f.words = append(f.words, lw)
		f.whole = append(f.whole, isWordish(lw))
		patterns = append(patterns, []byte(string(lw)))
	}
	if len(patterns) > 0 {
		ac, err := ahocorasick.NewBuilder().AddPatterns(patterns).Build()
		if err != nil {
			// Build refuses nothing that is not empty; words are not.
			panic(fmt.Sprintf("sensitive word automaton: %v", err))
		}
		f.ac = ac
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
	if f == nil || f.ac == nil {
		return text, false
	}
	orig := []rune(text)
	lower := lowerRunes(append([]rune(nil), orig...))
	// The automaton reads UTF-8; at[b] is the rune that byte b of the
	// lower-cased text belongs to (lower-casing can change byte lengths,
	// never rune counts).
	hay := make([]byte, 0, len(text))
	at := make([]int32, 0, len(text))
	for i, r := range lower {
		n := len(hay)
		hay = utf8.AppendRune(hay, r)
		for range len(hay) - n {
			at = append(at, int32(i))
		}
	}
	if !f.ac.IsMatch(hay) {
		return text, false
	}
	// A word's matches do not overlap each other (the leftmost wins); the
	// matches of different words may.
	next := make(map[int]int) // word -> first rune where it may match again
	masked := false
	for _, m := range f.ac.FindAllOverlapping(hay) {
		start, end := int(at[m.Start]), int(at[m.End-1])+1
		if start < next[m.PatternID] {
			continue
		}
		if f.whole[m.PatternID] && (start > 0 && isWordRune(lower[start-1]) || end < len(lower) && isWordRune(lower[end])) {
			continue
		}
		for j := start; j < end; j++ {
			orig[j] = '*'
		}
		next[m.PatternID] = end
		masked = true
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
