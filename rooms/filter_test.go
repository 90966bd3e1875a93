package rooms_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/rooms"
)

func TestFilterMask(t *testing.T) {
	f := rooms.NewFilter([]string{"ass", "shit", "傻逼", "  ", "Darn"})
	tests := []struct {
		name   string
		in     string
		want   string
		masked bool
	}{
		{"clean text is untouched", "hello world", "hello world", false},
		{"exact word", "you ass", "you ***", true},
		{"case-insensitive, same length", "ASS and Ass", "*** and ***", true},
		{"listed word in upper case matches lower text", "darn it", "**** it", true},
		{"punctuation ends a word", "Shit!", "****!", true},
		{"punctuation starts a word", "(shit)", "(****)", true},
		{"ASCII words match whole words only", "class assignment bass", "class assignment bass", false},
		{"digits are part of a word", "shit2 2shit", "shit2 2shit", false},
		{"several occurrences", "shit shit", "**** ****", true},
		{"Chinese words match as substrings", "你是傻逼吗", "你是**吗", true},
		{"Chinese word touching ASCII letters", "abc傻逼def", "abc**def", true},
		{"non-ASCII text around an ASCII word keeps its characters", "café shit naïve 世界", "café **** naïve 世界", true},
		{"ASCII word next to CJK is a whole word", "你好shit世界", "你好****世界", true},
		{"empty text", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, masked := f.Mask(tt.in)
			if got != tt.want || masked != tt.masked {
				t.Errorf("Mask(%q) = %q, %v; want %q, %v", tt.in, got, masked, tt.want, tt.masked)
			}
			if len([]rune(got)) != len([]rune(tt.in)) {
				t.Errorf("Mask(%q) changed the length in characters: %q", tt.in, got)
			}
		})
	}
}

func TestFilterNilAndEmpty(t *testing.T) {
	var nilFilter *rooms.Filter
	if got, masked := nilFilter.Mask("shit"); got != "shit" || masked {
		t.Errorf("nil filter: Mask = %q, %v", got, masked)
	}
	if got, masked := rooms.NewFilter(nil).Mask("shit"); got != "shit" || masked {
		t.Errorf("empty filter: Mask = %q, %v", got, masked)
	}
}

func TestLoadFilter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "words.txt")
	list := "# a comment: darn is not listed here\n\n  heck  \r\n\n# gosh\n混蛋\n"
	if err := os.WriteFile(path, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := rooms.LoadFilter(path)
	if err != nil {
		t.Fatalf("LoadFilter: %v", err)
	}
	for in, want := range map[string]string{
		"oh heck":         "oh ****",
		"HECK!":           "****!",
		"你这个混蛋":           "你这个**",
		"# gosh":          "# gosh", // comment lines are not words
		"gosh darn":       "gosh darn",
		"checking heckle": "checking heckle",
	} {
		if got, _ := f.Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}

	if _, err := rooms.LoadFilter(filepath.Join(t.TempDir(), "missing.txt")); err == nil {
		t.Error("LoadFilter of a missing file: want an error")
	}
}

func TestDefaultFilter(t *testing.T) {
	f := rooms.DefaultFilter()
	for _, in := range []string{"this is SHIT", "what the fuck", "你是傻逼"} {
		got, masked := f.Mask(in)
		if !masked || !strings.Contains(got, "*") {
			t.Errorf("DefaultFilter().Mask(%q) = %q, %v; want it masked", in, got, masked)
		}
	}
	if got, masked := f.Mask("a classic shitake-free assessment"); masked {
		// "shitake" is not the whole word "shit"; no listed word is whole here
		t.Errorf("DefaultFilter masked innocent text: %q", got)
	}
}
