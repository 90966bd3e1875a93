package rooms_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parley-chat/parley/rooms"
)

// FuzzFilterMask: for any word list (one word a line) and text, Mask does
// not panic, keeps the text's length in characters, changes nothing but
// '*'s, and agrees exactly with scanMask, the plain statement of the rule.
func FuzzFilterMask(f *testing.F) {
	for _, s := range [][2]string{
		{"ass\n傻逼", "class ass 傻逼傻逼 Ass."},
		{"傻\n傻傻", "傻傻傻"},
		{"a b\nb c", "a b c b c"},
		{"İ\nk", "İstanbul K ı"},
		{"# comment\n \nx", "x # comment"},
		{"\xff", "a\xffb\xfe"},
		{"ab\nab\nba", "abababa"},
		{"Ω\nω", "ΩΩω Ωmega"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, list, text string) {
		words := strings.Split(list, "\n")
		if len(list) > 512 || len(text) > 1024 {
			t.Skip("keep each input cheap for the plain scan")
		}
		got, masked := rooms.NewFilter(words).Mask(text)
		if n, m := utf8.RuneCountInString(got), utf8.RuneCountInString(text); n != m {
			t.Fatalf("words %q, text %q: Mask = %q has %d characters, want %d", words, text, got, n, m)
		}
		in, out := []rune(text), []rune(got)
		for i := range out {
			if out[i] != in[i] && out[i] != '*' {
				t.Fatalf("words %q, text %q: Mask = %q changed character %d to %q", words, text, got, i, out[i])
			}
		}
		if !masked && got != text {
			t.Fatalf("words %q, text %q: Mask = %q but reports nothing masked", words, text, got)
		}
		want, wantMasked := scanMask(words, text)
		if got != want || masked != wantMasked {
			t.Fatalf("words %q, text %q: Mask = %q, %v; the plain scan says %q, %v", words, text, got, masked, want, wantMasked)
		}
	})
}
