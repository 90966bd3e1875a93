package rooms_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/parley-chat/parley/rooms"
)

func TestMentionCandidates(t *testing.T) {
	long := strings.Repeat("a", 33)
	max := strings.Repeat("b", 32)
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"none", "hello world", nil},
		{"start of text", "@alice hi", []string{"alice"}},
		{"after a space", "hi @alice", []string{"alice"}},
		{"after punctuation", "(@alice),@bob;\"@carol\"", []string{"alice", "bob", "carol"}},
		{"after non-ASCII text", "你好@alice", []string{"alice"}},
		{"email addresses are not mentions", "write to bob@example.com", nil},
		{"email next to a real mention", "mail x.y@example.org or ask @dave", []string{"dave"}},
		{"trailing dot stripped", "thanks @alice.", []string{"alice"}},
		{"trailing dots and dashes stripped", "ping @alice.-. now", []string{"alice"}},
		{"inner dot, dash and underscore kept", "@j.doe-2_x", []string{"j.doe-2_x"}},
		{"case folded", "@Alice @ALICE", []string{"alice"}},
		{"duplicates once, in order of first appearance", "@bob @alice @bob @carol @alice", []string{"bob", "alice", "carol"}},
		{"too short", "@ab @a @", nil},
		{"too short after stripping", "@ab.", nil},
		{"too long", "@" + long, nil},
		{"longest allowed", "@" + max, []string{max}},
		{"double at", "@@alice", []string{"alice"}},
		{"non-ASCII ends a name", "@bob你好", []string{"bob"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rooms.MentionCandidates(tt.text)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("MentionCandidates(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestMentionCandidatesCap(t *testing.T) {
	var b strings.Builder
	var want []string
	for i := range 30 {
		name := fmt.Sprintf("user%02d", i)
		fmt.Fprintf(&b, "@%s ", name)
		if i < 20 {
			want = append(want, name)
		}
	}
	got := rooms.MentionCandidates(b.String())
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MentionCandidates of 30 names = %q (%d), want the first 20", got, len(got))
	}
}
