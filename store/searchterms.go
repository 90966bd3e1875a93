package store

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Helpers every Search backend shares, so that they split and compare the
// same way.

// SearchScanLimit bounds the scan a search falls back to when it has a term
// shorter than MinIndexedTerm: such terms are looked for only among the
// newest SearchScanLimit messages of the searched rooms (older than the
// page's BeforeID, if any), because no index can find them. A longer term
// in the same query narrows that scan to the messages the index finds.
const SearchScanLimit = 5000

// MinIndexedTerm is the length, in characters, of the shortest term a
// trigram index can find: shorter terms fall back to the bounded scan.
const MinIndexedTerm = 3

// SearchTerms splits a query's text at white space into folded terms,
// without repeats, in their order. ErrInvalid when it has none.
func SearchTerms(text string) ([]string, error) {
	var terms []string
	for _, f := range strings.Fields(text) {
		f = FoldSearch(f)
		if !slices.Contains(terms, f) {
			terms = append(terms, f)
		}
	}
	if len(terms) == 0 {
		return nil, fmt.Errorf("search text is empty: %w", ErrInvalid)
	}
	return terms, nil
}

// FoldSearch is how search compares text: each character lower-cased, as
// SQLite's trigram tokenizer folds them.
func FoldSearch(s string) string { return strings.Map(unicode.ToLower, s) }

// ShortTerm reports whether an index of trigrams cannot find term.
func ShortTerm(term string) bool { return utf8.RuneCountInString(term) < MinIndexedTerm }

// MatchesAll reports whether text contains every (folded) term.
func MatchesAll(text string, terms []string) bool {
	folded := FoldSearch(text)
	for _, t := range terms {
		if !strings.Contains(folded, t) {
			return false
		}
	}
	return true
}
