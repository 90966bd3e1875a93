package assistant

import (
	"strings"
	"time"

	"github.com/parley-chat/parley/store"
)

// Dialogue stages (seed 003): what the assistant waits for from one user in
// one room.
const (
	WaitQuery   = "WAIT_QUERY"   // a question, after a bare mention
	WaitLearn   = "WAIT_LEARN"   // "question => answer", after a bare `learn`
	WaitConfirm = "WAIT_CONFIRM" // yes or no, before saving what was taught
	WaitSlot    = "WAIT_SLOT"    // a skill's missing argument
)

// open returns the user's dialogue in memory unless it has expired.
func open(m *store.Memory, userID string, now time.Time) *store.Dialogue {
	d, ok := m.Dialogues[userID]
	if !ok || !d.ExpiresAt.After(now) {
		return nil
	}
	return &d
}

var (
	yesWords = set("yes", "y", "yeah", "yep", "ok", "okay", "sure", "confirm", "是", "是的", "好", "好的", "对", "确认", "可以")
	noWords  = set("no", "n", "nope", "cancel", "否", "不", "不是", "不要", "取消", "算了")
)

// answer classifies a reply to a yes/no question: 1 yes, -1 no, 0 neither.
func answer(text string) int {
	t := Normalize(text)
	switch {
	case yesWords[t]:
		return 1
	case noWords[t]:
		return -1
	}
	return 0
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// splitTeaching parses "question => answer" (full-width arrows too).
func splitTeaching(s string) (q, a string, ok bool) {
	s = strings.NewReplacer("＝＞", "=>", "＝>", "=>", "=＞", "=>").Replace(s)
	q, a, ok = strings.Cut(s, "=>")
	q, a = strings.TrimSpace(q), strings.TrimSpace(a)
	return q, a, ok && Normalize(q) != "" && a != ""
}
