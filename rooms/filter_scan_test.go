package rooms_test

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/parley-chat/parley/rooms"
)

// scanMask is the filter's rule stated as plainly as possible: every
// listed word at every position, leftmost first, whole words only for
// ASCII letters and digits. The automaton must agree with it everywhere.
func scanMask(words []string, text string) (string, bool) {
	orig := []rune(text)
	lower := []rune(text)
	for i, c := range lower {
		lower[i] = unicode.ToLower(c)
	}
	word := func(c rune) bool { return c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c)) }
	masked := false
	for _, raw := range words {
		raw = strings.TrimSpace(raw)
		if raw == "" || strings.HasPrefix(raw, "#") {
			continue
		}
		w := []rune(raw)
		whole := true
		for i, c := range w {
			w[i] = unicode.ToLower(c)
			whole = whole && word(w[i])
		}
		for i := 0; i+len(w) <= len(lower); i++ {
			if string(lower[i:i+len(w)]) != string(w) {
				continue
			}
			if whole && (i > 0 && word(lower[i-1]) || i+len(w) < len(lower) && word(lower[i+len(w)])) {
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

// TestFilterAgreesWithScan compares the filter with scanMask on random
// texts over a small alphabet, where words overlap, repeat, nest, touch
// word characters and change length when lower-cased.
func TestFilterAgreesWithScan(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	alphabet := []rune("傻傻逼逼aAİk .")
	pick := func(n int) string {
		out := make([]rune, n)
		for i := range out {
			out[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(out)
	}
	for round := range 3000 {
		words := make([]string, 1+r.IntN(6))
		for i := range words {
			words[i] = pick(1 + r.IntN(3))
		}
		f := rooms.NewFilter(words)
		text := pick(r.IntN(40))
		got, gotMasked := f.Mask(text)
		want, wantMasked := scanMask(words, text)
		if got != want || gotMasked != wantMasked {
			t.Fatalf("round %d: words %q, text %q: Mask = %q, %v; the plain scan says %q, %v", round, words, text, got, gotMasked, want, wantMasked)
		}
	}
}

// cjkWords returns n random words of 2-4 common CJK characters, the shape
// of the lists deployments in China load.
func cjkWords(r *rand.Rand, n int) []string {
	words := make([]string, n)
	for i := range words {
		w := make([]rune, 2+r.IntN(3))
		for j := range w {
			w[j] = rune(0x4e00 + r.IntN(3000))
		}
		words[i] = string(w)
	}
	return words
}

// BenchmarkFilterMask10kWords: a 10,000-word CJK list against a typical
// and a longest message of random CJK text.
func BenchmarkFilterMask10kWords(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	f := rooms.NewFilter(cjkWords(r, 10_000))
	for _, n := range []int{200, 4000} {
		text := []rune(strings.Join(cjkWords(r, n), ""))[:n]
		b.Run("chars="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.Mask(string(text))
			}
		})
	}
}
