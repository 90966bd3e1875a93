package assistant

import (
	"strings"
	"testing"
)

// FuzzDialogue drives the parsers of what users say to the assistant:
// commands (learn, forget, ...), "question => answer" teachings and yes/no
// replies. None may panic; a command is only returned with an argument it
// accepts; a teaching rendered back as "learn q => a" parses to the same
// question and answer; Normalize is idempotent, so a taught question is
// found again by the text it was stored under.
func FuzzDialogue(f *testing.F) {
	for _, s := range []string{
		"learn wifi password => hunter2",
		"teach: what's the Wi-Fi？ ＝＞ ask IT",
		"学习 密码是什么=>123456",
		"记住wifi=>abc",
		"forget wifi password",
		"忘记：密码",
		"hey, help!",
		"help me write a poem",
		"时间管理怎么做",
		"learn => x",
		"learn q =>",
		"learn q => ?",
		"yes", "算了", "ＹＥＳ",
		"hi hi hi hi learn a => b",
		"\xff=>\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		_ = answer(text)
		if n := Normalize(text); Normalize(n) != n {
			t.Fatalf("Normalize(%q) = %q, but Normalize of that is %q", text, n, Normalize(n))
		}
		cmd, arg := command(text)
		if cmd != "" && !accepts(cmd, arg) {
			t.Fatalf("command(%q) = %q, %q: an argument the command refuses", text, cmd, arg)
		}
		if cmd == "" && arg != text {
			t.Fatalf("command(%q) = no command but argument %q, want the text back", text, arg)
		}
		q, a, ok := splitTeaching(text)
		if !ok || strings.Trim(a, "?？!！.。 ") == "" {
			return // "learn q => ?" is not a teaching once trimmed: asked again
		}
		rendered := "learn " + q + " => " + a
		cmd, arg = command(rendered)
		if cmd != "learn" {
			t.Fatalf("command(%q) = %q, want learn", rendered, cmd)
		}
		q2, a2, ok := splitTeaching(arg)
		if !ok || q2 != q || a2 != a {
			t.Fatalf("teaching %q => %q rendered as %q parses to %q => %q (ok %v)", q, a, rendered, q2, a2, ok)
		}
	})
}
