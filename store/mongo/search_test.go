package mongo

import (
	"slices"
	"strings"
	"testing"
)

func TestTrigrams(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"", []string{}},
		{"ab", []string{}},
		{"我们的数据库", []string{"我们的", "们的数", "的数据", "数据库"}},
		{"ABab abA", []string{"aba", "bab"}},
		{"a b c", []string{}},
	} {
		got, cut := trigrams(c.text, maxGrams)
		if !slices.Equal(got, c.want) || cut || got == nil {
			t.Errorf("trigrams(%q) = %#v cut %v, want %#v", c.text, got, cut, c.want)
		}
	}
	// A long text keeps its first trigrams and says it was cut.
	var b strings.Builder
	for r := rune(0x4e00); r < 0x4e00+maxGrams+10; r++ {
		b.WriteRune(r)
	}
	got, cut := trigrams(b.String(), maxGrams)
	if len(got) != maxGrams || !cut || got[0] != "一丁丂" {
		t.Errorf("trigrams of %d characters: %d, cut %v, first %q", maxGrams+10, len(got), cut, got[0])
	}
}

// The text conditions quote every term: nothing a user types is syntax.
func TestSearchFilterQuotesTerms(t *testing.T) {
	wantJSON(t, "text filter", textFilter([]string{`a*`, `(x)`, `\`, `数据`}),
		`{"$and":[{"text":{"$regex":"a\\*","$options":"i"}},{"text":{"$regex":"\\(x\\)","$options":"i"}},{"text":{"$regex":"\\\\","$options":"i"}},{"text":{"$regex":"数据","$options":"i"}}]}`)
	if got := queryGrams([]string{"数据库", "ab", "据库挂"}); !slices.Equal(got, []string{"数据库", "据库挂"}) {
		t.Errorf("queryGrams = %q", got)
	}
}
