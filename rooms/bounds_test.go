package rooms_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
)

// encodedSize is what a message adds to an answer: its JSON and a comma.
func encodedSize(t *testing.T, msgs []protocol.Message) int {
	t.Helper()
	n := 0
	for _, m := range msgs {
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		n += len(raw) + 1
	}
	return n
}

// threeRooms makes bob a member of general, "aa" and "zz" (sync takes rooms
// by name: aa, general, zz) and has alice send perRoom messages to each.
func threeRooms(f *fixture, perRoom int, text func(i int) string) (bob parley.User, ids []string) {
	f.t.Helper()
	alice, bob := f.user("alice"), f.user("bob")
	aa, zz := f.room(alice, "aa", false), f.room(alice, "zz", false)
	for _, id := range []string{aa.ID, zz.ID} {
		if _, _, err := f.hub.Join(f.ctx, bob, id); err != nil {
			f.t.Fatal(err)
		}
	}
	ids = []string{aa.ID, parley.DefaultRoomID, zz.ID}
	for i := 1; i <= perRoom; i++ {
		for _, id := range ids {
			f.mustSend(alice, id, text(i))
		}
	}
	return bob, ids
}

// syncAll follows hasMore as a client does, naming the last seq it got per
// room, and returns every answer.
func syncAll(f *fixture, u parley.User) []map[string]protocol.SyncRoom {
	f.t.Helper()
	cursors := map[string]int64{}
	var answers []map[string]protocol.SyncRoom
	for range 100 {
		out, err := f.hub.Sync(f.ctx, u, maps.Clone(cursors), nil)
		if err != nil {
			f.t.Fatal(err)
		}
		answers = append(answers, out)
		more := false
		for room, p := range out {
			if len(p.Messages) > 0 {
				cursors[room] = p.Messages[len(p.Messages)-1].Seq
			}
			more = more || p.HasMore
		}
		if !more {
			return answers
		}
	}
	f.t.Fatal("sync still has more after 100 answers")
	return nil
}

// received is every room's messages over all answers, in order of arrival.
func received(answers []map[string]protocol.SyncRoom) map[string][]int64 {
	got := map[string][]int64{}
	for _, out := range answers {
		for room, p := range out {
			got[room] = append(got[room], seqs(p.Messages)...)
		}
	}
	return got
}

func TestSyncAnswersAtMostSyncMaxMessagesAcrossRooms(t *testing.T) {
	f := newHub(t, func(c *rooms.Config) { c.SyncMaxMessages = 5 })
	bob, ids := threeRooms(f, 4, func(i int) string { return fmt.Sprint("m", i) })

	answers := syncAll(f, bob)
	// 12 messages, 5 an answer: 5, 5, 2. Rooms are served by name, every
	// room is in every answer, and one the budget did not reach says
	// hasMore with no messages.
	type page struct {
		Seqs    []int64
		HasMore bool
	}
	want := []map[string]page{
		{ids[0]: {[]int64{1, 2, 3, 4}, false}, ids[1]: {[]int64{1}, true}, ids[2]: {[]int64{}, true}},
		{ids[0]: {[]int64{}, false}, ids[1]: {[]int64{2, 3, 4}, false}, ids[2]: {[]int64{1, 2}, true}},
		{ids[0]: {[]int64{}, false}, ids[1]: {[]int64{}, false}, ids[2]: {[]int64{3, 4}, false}},
	}
	var got []map[string]page
	for _, out := range answers {
		g := map[string]page{}
		for room, p := range out {
			if p.Messages == nil {
				t.Fatalf("room %s answered null messages, want a list", room)
			}
			g[room] = page{seqs(p.Messages), p.HasMore}
		}
		got = append(got, g)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("answers = %+v\nwant      %+v", got, want)
	}
}

func TestSyncAnswersAtMostMaxAnswerBytes(t *testing.T) {
	text := func(i int) string { return fmt.Sprintf("%04d", i) + strings.Repeat("x", 996) }
	const bound = 3000 // two of these messages (about 1.2 kB each) fit, three do not
	f := newHub(t, func(c *rooms.Config) { c.MaxAnswerBytes = bound })
	bob, ids := threeRooms(f, 3, text)

	answers := syncAll(f, bob)
	for i, out := range answers {
		var msgs []protocol.Message
		for _, id := range ids {
			msgs = append(msgs, out[id].Messages...)
		}
		if len(msgs) != 2 && i != len(answers)-1 {
			t.Errorf("answer %d carries %d messages, want the 2 that fit in %d bytes", i, len(msgs), bound)
		}
		if n := encodedSize(t, msgs); n > bound {
			t.Errorf("answer %d carries %d bytes of messages, over %d", i, n, bound)
		}
	}
	if len(answers) != 5 { // 9 messages, 2 an answer
		t.Errorf("%d answers, want 5", len(answers))
	}
	want := map[string][]int64{ids[0]: {1, 2, 3}, ids[1]: {1, 2, 3}, ids[2]: {1, 2, 3}}
	if got := received(answers); !reflect.DeepEqual(got, want) {
		t.Errorf("received %v, want every message once, in order: %v", got, want)
	}
}

func TestAnswerCarriesOneMessageLargerThanTheBound(t *testing.T) {
	f := newHub(t, func(c *rooms.Config) { c.MaxAnswerBytes = 10 })
	bob, ids := threeRooms(f, 2, func(i int) string { return fmt.Sprint("m", i) })

	answers := syncAll(f, bob)
	if len(answers) != 6 {
		t.Errorf("%d sync answers, want 6: one message each", len(answers))
	}
	want := map[string][]int64{ids[0]: {1, 2}, ids[1]: {1, 2}, ids[2]: {1, 2}}
	if got := received(answers); !reflect.DeepEqual(got, want) {
		t.Errorf("received %v, want %v", got, want)
	}
	p, err := f.hub.History(f.ctx, bob, ids[1], 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := seqs(p.Messages); !slices.Equal(got, []int64{2}) || !p.HasMore {
		t.Errorf("history = %v hasMore=%v, want [2] and more", got, p.HasMore)
	}
}

func TestHistoryPageIsBoundedInBytes(t *testing.T) {
	const bound = 4000 // three messages of about 1.2 kB fit, four do not
	f := newHub(t, func(c *rooms.Config) { c.MaxAnswerBytes = bound })
	alice := f.user("alice")
	for i := 1; i <= 10; i++ {
		f.mustSend(alice, parley.DefaultRoomID, fmt.Sprintf("%04d", i)+strings.Repeat("é", 500))
	}
	var pages [][]int64
	var before int64
	for {
		p, err := f.hub.History(f.ctx, alice, parley.DefaultRoomID, before, 0)
		if err != nil {
			t.Fatal(err)
		}
		if n := encodedSize(t, p.Messages); n > bound {
			t.Errorf("page %v carries %d bytes, over %d", seqs(p.Messages), n, bound)
		}
		pages = append(pages, seqs(p.Messages))
		if !p.HasMore {
			break
		}
		before = p.Messages[0].Seq
	}
	// The newest that fit, oldest first; asking before the oldest goes on.
	want := [][]int64{{8, 9, 10}, {5, 6, 7}, {2, 3, 4}, {1}}
	if !reflect.DeepEqual(pages, want) {
		t.Errorf("history pages = %v, want %v", pages, want)
	}
}
