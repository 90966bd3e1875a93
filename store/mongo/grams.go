package mongo

import (
	"unicode"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/parley-chat/parley/store"
)

// maxGrams bounds the trigrams stored on one message (about 1000 distinct
// trigrams take a text of a few thousand characters). A longer text keeps
// the first maxGrams and is marked gramsCut: search then treats it as a
// candidate for every query and confirms it by its text, so it is still
// found, at the cost of one regular expression per query and such message.
const maxGrams = 1000

// trigrams lists the distinct trigrams (three consecutive characters,
// folded as store.FoldSearch does) of text, in order of first appearance,
// at most limit of them; cut reports that some were left out. Trigrams
// that span white space are left out: a search term never contains any.
// The slice is never nil, so a stored message always has the key.
func trigrams(text string, limit int) (grams []string, cut bool) {
	rs := []rune(store.FoldSearch(text))
	grams = []string{}
	seen := map[string]bool{}
	for i := 0; i+3 <= len(rs); i++ {
		if unicode.IsSpace(rs[i]) || unicode.IsSpace(rs[i+1]) || unicode.IsSpace(rs[i+2]) {
			continue
		}
		g := string(rs[i : i+3])
		if seen[g] {
			continue
		}
		if len(grams) == limit {
			return grams, true
		}
		seen[g] = true
		grams = append(grams, g)
	}
	return grams, false
}

// gramsFields are the fields that index text for search, for a $set.
func gramsFields(text string) bson.D {
	grams, cut := trigrams(text, maxGrams)
	return bson.D{{Key: "grams", Value: grams}, {Key: "gramsCut", Value: cut}}
}
