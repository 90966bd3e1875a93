package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var searchTests = []test{
	{"Search/EnglishTermsCaseInsensitive", testSearchEnglish},
	{"Search/ChineseSubstrings", testSearchChinese},
	{"Search/ShortTermsFallBackToAScan", testSearchShortTerms},
	{"Search/OnlyTheGivenRooms", testSearchRooms},
	{"Search/DeletedNeverFound", testSearchDeleted},
	{"Search/EditedFoundByCurrentText", testSearchEdited},
	{"Search/NewestFirstInPages", testSearchPages},
	{"Search/InvalidQueries", testSearchInvalid},
	{"Search/QuerySyntaxIsLiteral", testSearchLiteral},
	{"Search/ShortTermsScanABoundedWindow", testSearchScanBound},
}

// searchFixture is a room with messages sent one second apart, oldest
// first, so that newest first is their reverse.
func searchFixture(t *testing.T, s *store.Store, texts ...string) (parley.Room, parley.User, []parley.Message) {
	t.Helper()
	u := newUser(t, s, "ann")
	r := newRoom(t, s, "room", u, false)
	return r, u, sendTexts(t, s, r, u, 0, texts...)
}

// sendTexts appends texts to r, the i-th stamped baseTime+(offset+i)s.
func sendTexts(t *testing.T, s *store.Store, r parley.Room, u parley.User, offset int, texts ...string) []parley.Message {
	t.Helper()
	out := make([]parley.Message, len(texts))
	for i, text := range texts {
		m := newMsg(r, u, text, "")
		m.CreatedAt = baseTime.Add(time.Duration(offset+i) * time.Second)
		out[i] = appendOK(t, s, m)[0].Message
	}
	return out
}

// search runs q and returns the ids found.
func search(t *testing.T, s *store.Store, q store.SearchQuery) ([]string, bool) {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 50
	}
	msgs, more, err := s.Search.Search(ctx(t), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	return ids, more
}

// wantFound checks that text finds exactly want (newest first) in rooms.
func wantFound(t *testing.T, s *store.Store, rooms []string, text string, want ...parley.Message) {
	t.Helper()
	got, more := search(t, s, store.SearchQuery{Text: text, RoomIDs: rooms})
	wantIDs := make([]string, len(want))
	for i, m := range want {
		wantIDs[i] = m.ID
	}
	if !slices.Equal(got, wantIDs) || more {
		t.Fatalf("search %q found %v (more %v), want %v", text, got, more, wantIDs)
	}
}

func testSearchEnglish(t *testing.T, s *store.Store) {
	r, _, m := searchFixture(t, s,
		"Deploy the Database tonight",
		"database backup is DONE",
		"lunch anyone?",
	)
	rooms := []string{r.ID}
	wantFound(t, s, rooms, "DATABASE", m[1], m[0])
	wantFound(t, s, rooms, "database tonight", m[0])
	wantFound(t, s, rooms, "  done   Base ", m[1])
	wantFound(t, s, rooms, "tonight lunch")
	wantFound(t, s, rooms, "dinner")

	// The message comes back whole, as stored.
	msgs, _, err := s.Search.Search(ctx(t), store.SearchQuery{Text: "lunch", RoomIDs: rooms, Limit: 10})
	must(t, err)
	if len(msgs) != 1 || msgs[0].Text != "lunch anyone?" || msgs[0].Seq != 3 || msgs[0].RoomID != r.ID ||
		!msgs[0].CreatedAt.Equal(m[2].CreatedAt) || msgs[0].Mentions == nil || msgs[0].Reactions == nil {
		t.Fatalf("found %+v, want %+v", msgs, m[2])
	}
}

func testSearchChinese(t *testing.T, s *store.Store) {
	r, _, m := searchFixture(t, s,
		"我们的数据库挂了",
		"数据很好",
		"仓库里有书",
		"the DB数据库 is back",
	)
	rooms := []string{r.ID}
	wantFound(t, s, rooms, "数据库", m[3], m[0])
	wantFound(t, s, rooms, "的数据库挂", m[0])
	wantFound(t, s, rooms, "数据库 BACK", m[3])
	wantFound(t, s, rooms, "数据库挂了吗")
}

func testSearchShortTerms(t *testing.T, s *store.Store) {
	r, _, m := searchFixture(t, s,
		"我们的数据库挂了",
		"数据很好",
		"仓库里有书",
		"the DB is down",
		"dbx",
		"nothing here",
	)
	rooms := []string{r.ID}
	wantFound(t, s, rooms, "库", m[2], m[0])
	wantFound(t, s, rooms, "数据", m[1], m[0])
	wantFound(t, s, rooms, "db", m[4], m[3])
	wantFound(t, s, rooms, "Db down", m[3])
	wantFound(t, s, rooms, "数据 挂了", m[0])
	wantFound(t, s, rooms, "x", m[4])
	wantFound(t, s, rooms, "zz")
}

func testSearchRooms(t *testing.T, s *store.Store) {
	r1, u, m1 := searchFixture(t, s, "release notes for v2", "release party")
	r2 := newRoom(t, s, "other", u, true)
	m2 := sendTexts(t, s, r2, u, 10, "release the kraken")
	r3 := newRoom(t, s, "third", u, false)
	sendTexts(t, s, r3, u, 20, "release everything")

	wantFound(t, s, []string{r1.ID}, "release", m1[1], m1[0])
	wantFound(t, s, []string{r2.ID}, "release", m2[0])
	wantFound(t, s, []string{r1.ID, r2.ID}, "release", m2[0], m1[1], m1[0])
	wantFound(t, s, []string{r1.ID, r2.ID}, "re", m2[0], m1[1], m1[0])
	wantFound(t, s, nil, "release")
	wantFound(t, s, []string{parley.NewID()}, "release")
}

func testSearchDeleted(t *testing.T, s *store.Store) {
	r, _, m := searchFixture(t, s, "secret plans", "more secret plans", "ok")
	_, err := s.Messages.Delete(ctx(t), r.ID, m[1].ID)
	must(t, err)
	rooms := []string{r.ID}
	wantFound(t, s, rooms, "secret", m[0])
	wantFound(t, s, rooms, "more")
	wantFound(t, s, rooms, "mo")
	wantFound(t, s, rooms, "s", m[0])
}

func testSearchEdited(t *testing.T, s *store.Store) {
	r, _, m := searchFixture(t, s, "meet at the old bridge", "see you")
	ed, err := s.Edits.Edit(ctx(t), r.ID, m[0].ID, "meet at the new tower", nil, baseTime.Add(time.Hour))
	must(t, err)
	rooms := []string{r.ID}
	wantFound(t, s, rooms, "bridge")
	wantFound(t, s, rooms, "old")
	wantFound(t, s, rooms, "tower", *ed)
	wantFound(t, s, rooms, "meet", *ed)
	wantFound(t, s, rooms, "ne", *ed)
	// It keeps its place: by when it was sent, not when it was edited.
	wantFound(t, s, rooms, "e", m[1], *ed)
	// An edit to other text and back again leaves one entry.
	_, err = s.Edits.Edit(ctx(t), r.ID, m[0].ID, "see the bridge", nil, baseTime.Add(2*time.Hour))
	must(t, err)
	_, err = s.Edits.Edit(ctx(t), r.ID, m[0].ID, "meet at the new tower", nil, baseTime.Add(3*time.Hour))
	must(t, err)
	wantFound(t, s, rooms, "tower", *ed)
	wantFound(t, s, rooms, "bridge")
}

func testSearchPages(t *testing.T, s *store.Store) {
	u := newUser(t, s, "ann")
	r1 := newRoom(t, s, "one", u, false)
	r2 := newRoom(t, s, "two", u, false)
	var all []parley.Message
	for i := range 5 {
		r := r1
		if i%2 == 1 {
			r = r2
		}
		all = append(all, sendTexts(t, s, r, u, i, fmt.Sprintf("ping %d", i))...)
		sendTexts(t, s, r, u, i, "unrelated")
	}
	// Two more sent in the same millisecond: the larger id is newer.
	same := []parley.Message{newMsg(r1, u, "ping same", ""), newMsg(r2, u, "PING same", "")}
	for i := range same {
		same[i].CreatedAt = baseTime.Add(10 * time.Second)
		same[i] = appendOK(t, s, same[i])[0].Message
	}
	if same[0].ID > same[1].ID {
		same[0], same[1] = same[1], same[0]
	}
	want := []parley.Message{same[1], same[0], all[4], all[3], all[2], all[1], all[0]}
	var wantIDs []string
	for _, m := range want {
		wantIDs = append(wantIDs, m.ID)
	}
	for _, text := range []string{"ping", "pi"} {
		var got []string
		before := ""
		for page := 0; ; page++ {
			ids, more := search(t, s, store.SearchQuery{Text: text, RoomIDs: []string{r1.ID, r2.ID}, BeforeID: before, Limit: 3})
			lo := page * 3
			hi := min(lo+3, len(wantIDs))
			if !slices.Equal(ids, wantIDs[lo:hi]) || more != (hi < len(wantIDs)) {
				t.Fatalf("%q page %d = %v (more %v), want %v (more %v)", text, page, ids, more, wantIDs[lo:hi], hi < len(wantIDs))
			}
			got = append(got, ids...)
			if !more {
				break
			}
			before = ids[len(ids)-1]
		}
		if !slices.Equal(got, wantIDs) {
			t.Fatalf("%q in pages = %v, want %v", text, got, wantIDs)
		}
	}
}

func testSearchInvalid(t *testing.T, s *store.Store) {
	r, _, _ := searchFixture(t, s, "hello")
	for _, q := range []store.SearchQuery{
		{Text: "", RoomIDs: []string{r.ID}, Limit: 10},
		{Text: " \t\n ", RoomIDs: []string{r.ID}, Limit: 10},
		{Text: "hello", RoomIDs: []string{r.ID}, BeforeID: parley.NewID(), Limit: 10},
	} {
		_, _, err := s.Search.Search(ctx(t), q)
		wantCode(t, err, parley.CodeBadRequest)
	}
}

func testSearchLiteral(t *testing.T, s *store.Store) {
	r, _, m := searchFixture(t, s,
		`he said "foo bar" twice`, // 0
		`a*b = c`,                 // 1
		`call f(x) now`,           // 2
		`NEAR the end`,            // 3
		`x-y and -x`,              // 4
		`50% of a_b`,              // 5
		`col:val ^start OR {a}`,   // 6
		`it's 'quoted'`,           // 7
	)
	rooms := []string{r.ID}
	for _, c := range []struct {
		q    string
		want []parley.Message
	}{
		{`"foo`, []parley.Message{m[0]}},
		{`"foo bar"`, []parley.Message{m[0]}}, // two terms: `"foo` and `bar"`
		{`"bar foo"`, nil},                    // `"bar` and `foo"` are not in it
		{`bar"`, []parley.Message{m[0]}},
		{`"`, []parley.Message{m[0]}},
		{`a*`, []parley.Message{m[1]}},
		{`a*b`, []parley.Message{m[1]}},
		{`*`, []parley.Message{m[1]}},
		{`(`, []parley.Message{m[2]}},
		{`f(x)`, []parley.Message{m[2]}},
		{`(x)`, []parley.Message{m[2]}},
		{`NEAR`, []parley.Message{m[3]}},
		{`NEAR(`, nil},
		{`-x`, []parley.Message{m[4]}},
		{`x-y`, []parley.Message{m[4]}},
		{`AND -x`, []parley.Message{m[4]}},
		{`50%`, []parley.Message{m[5]}},
		{`a_b`, []parley.Message{m[5]}},
		{`%`, []parley.Message{m[5]}},
		{`_`, []parley.Message{m[5]}},
		{`col:val`, []parley.Message{m[6]}},
		{`^start`, []parley.Message{m[6]}},
		{`OR`, []parley.Message{m[6]}},
		{`{a}`, []parley.Message{m[6]}},
		{`'quoted'`, []parley.Message{m[7]}},
		{`it's`, []parley.Message{m[7]}},
		{`.*`, nil},
		{`\`, nil},
	} {
		want := slices.Clone(c.want)
		slices.Reverse(want)
		wantFound(t, s, rooms, c.q, want...)
	}
}

// Short terms are looked for among the newest store.SearchScanLimit
// messages before the page only; a long term beside them reaches further.
func testSearchScanBound(t *testing.T, s *store.Store) {
	r, u, old := searchFixture(t, s, "xy the oldest")
	batch := make([]parley.Message, store.SearchScanLimit)
	for i := range batch {
		batch[i] = newMsg(r, u, "filler", "")
		batch[i].CreatedAt = baseTime.Add(time.Minute + time.Duration(i)*time.Millisecond)
	}
	res := appendOK(t, s, batch...)
	oldestFiller := res[0].Message
	rooms := []string{r.ID}
	wantFound(t, s, rooms, "xy")
	wantFound(t, s, rooms, "xy oldest", old[0])
	got, more := search(t, s, store.SearchQuery{Text: "xy", RoomIDs: rooms, BeforeID: oldestFiller.ID})
	if !slices.Equal(got, []string{old[0].ID}) || more {
		t.Fatalf("xy before the oldest filler = %v (more %v), want [%s]", got, more, old[0].ID)
	}
}
