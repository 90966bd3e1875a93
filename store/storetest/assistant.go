package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var assistantTests = []test{
	{"Memories/EmptyForUnknownRoom", testMemoryEmpty},
	{"Memories/AddTurnsKeepsNewest", testMemoryKeepsNewest},
	{"Memories/DialoguesPerUser", testMemoryDialogues},
	{"Memories/Expire", testMemoryExpire},
	{"Memories/BadRequest", testMemoryBadRequest},
	{"Knowledge/TeachLookupForget", testKnowledge},
	{"Knowledge/RoomAnswerBeatsGlobal", testKnowledgeRoomFirst},
	{"Services/CreateAndRotate", testServices},
	{"Services/RevokeAndList", testServicesRevokeList},
}

func testMemoryEmpty(t *testing.T, s *store.Store) {
	m, err := s.Memories.Get(ctx(t), "no-such-room")
	must(t, err)
	if m.RoomID != "no-such-room" || len(m.Turns) != 0 || m.Dialogues == nil || len(m.Dialogues) != 0 {
		t.Fatalf("Get of an unknown room = %+v, want an empty memory", m)
	}
}

func turn(i int) store.Turn {
	return store.Turn{
		MessageID: fmt.Sprintf("m%d", i), Role: "user", UserID: "u1", Name: "alice",
		Text: fmt.Sprintf("question %d", i), At: baseTime.Add(time.Duration(i) * time.Second),
	}
}

func testMemoryKeepsNewest(t *testing.T, s *store.Store) {
	must(t, s.Memories.AddTurns(ctx(t), "r1", []store.Turn{turn(1), turn(2)}, 3))
	must(t, s.Memories.AddTurns(ctx(t), "r1", []store.Turn{turn(3), turn(4)}, 3))
	m, err := s.Memories.Get(ctx(t), "r1")
	must(t, err)
	if len(m.Turns) != 3 {
		t.Fatalf("kept %d turns, want 3", len(m.Turns))
	}
	for i, got := range m.Turns {
		if want := turn(i + 2); got != want {
			t.Fatalf("turn %d = %+v, want %+v", i, got, want)
		}
	}
	if m.UpdatedAt.IsZero() {
		t.Fatal("UpdatedAt was not stamped")
	}
	other, err := s.Memories.Get(ctx(t), "r2")
	must(t, err)
	if len(other.Turns) != 0 {
		t.Fatalf("another room sees %d turns", len(other.Turns))
	}
}

func testMemoryDialogues(t *testing.T, s *store.Store) {
	alice := store.Dialogue{
		Stage: "WAIT_CONFIRM", Skill: "learn", Question: "wifi", Answer: "hunter2",
		Slots: map[string]string{"city": "Paris"}, ExpiresAt: baseTime.Add(time.Minute),
	}
	bob := store.Dialogue{Stage: "WAIT_QUERY", ExpiresAt: baseTime.Add(2 * time.Minute)}
	must(t, s.Memories.SetDialogue(ctx(t), "r1", "alice", &alice))
	must(t, s.Memories.SetDialogue(ctx(t), "r1", "bob", &bob))
	must(t, s.Memories.AddTurns(ctx(t), "r1", []store.Turn{turn(1)}, 10))

	m, err := s.Memories.Get(ctx(t), "r1")
	must(t, err)
	got := m.Dialogues["alice"]
	if got.Stage != alice.Stage || got.Question != alice.Question || got.Answer != alice.Answer ||
		got.Slots["city"] != "Paris" || !got.ExpiresAt.Equal(alice.ExpiresAt) {
		t.Fatalf("alice's dialogue = %+v, want %+v", got, alice)
	}
	if m.Dialogues["bob"].Stage != "WAIT_QUERY" || len(m.Turns) != 1 {
		t.Fatalf("memory = %+v, want bob's dialogue and one turn kept", m)
	}

	must(t, s.Memories.SetDialogue(ctx(t), "r1", "alice", nil))
	m, err = s.Memories.Get(ctx(t), "r1")
	must(t, err)
	if _, ok := m.Dialogues["alice"]; ok {
		t.Fatal("alice's dialogue survived being ended")
	}
	if _, ok := m.Dialogues["bob"]; !ok {
		t.Fatal("ending alice's dialogue ended bob's")
	}
}

func testMemoryExpire(t *testing.T, s *store.Store) {
	must(t, s.Memories.AddTurns(ctx(t), "r1", []store.Turn{turn(1)}, 10))
	m, err := s.Memories.Get(ctx(t), "r1")
	must(t, err)

	n, err := s.Memories.Expire(ctx(t), m.UpdatedAt)
	must(t, err)
	if n != 0 {
		t.Fatalf("Expire(updatedAt) removed %d memories, want 0", n)
	}
	n, err = s.Memories.Expire(ctx(t), m.UpdatedAt.Add(time.Millisecond))
	must(t, err)
	if n != 1 {
		t.Fatalf("Expire(after updatedAt) removed %d memories, want 1", n)
	}
	m, err = s.Memories.Get(ctx(t), "r1")
	must(t, err)
	if len(m.Turns) != 0 {
		t.Fatalf("expired memory still has %d turns", len(m.Turns))
	}
}

func testMemoryBadRequest(t *testing.T, s *store.Store) {
	wantCode(t, s.Memories.AddTurns(ctx(t), "", []store.Turn{turn(1)}, 1), parley.CodeBadRequest)
	wantCode(t, s.Memories.AddTurns(ctx(t), "r1", []store.Turn{turn(1)}, 0), parley.CodeBadRequest)
	wantCode(t, s.Memories.SetDialogue(ctx(t), "r1", "", nil), parley.CodeBadRequest)
}

func testKnowledge(t *testing.T, s *store.Store) {
	_, err := s.Knowledge.Lookup(ctx(t), "r1", "wifi password")
	wantCode(t, err, parley.CodeNotFound)

	must(t, s.Knowledge.Teach(ctx(t), store.Knowledge{RoomID: "r1", Question: "wifi password", Answer: "ask bob", TaughtBy: "u1"}))
	must(t, s.Knowledge.Teach(ctx(t), store.Knowledge{RoomID: "r1", Question: "wifi password", Answer: "hunter2", TaughtBy: "u2"}))
	k, err := s.Knowledge.Lookup(ctx(t), "r1", "wifi password")
	must(t, err)
	if k.Answer != "hunter2" || k.TaughtBy != "u2" || k.RoomID != "r1" || k.CreatedAt.IsZero() {
		t.Fatalf("Lookup = %+v, want the newer answer taught by u2", k)
	}
	_, err = s.Knowledge.Lookup(ctx(t), "r2", "wifi password")
	wantCode(t, err, parley.CodeNotFound)

	must(t, s.Knowledge.Forget(ctx(t), "r1", "wifi password"))
	_, err = s.Knowledge.Lookup(ctx(t), "r1", "wifi password")
	wantCode(t, err, parley.CodeNotFound)
	wantCode(t, s.Knowledge.Forget(ctx(t), "r1", "wifi password"), parley.CodeNotFound)
	wantCode(t, s.Knowledge.Teach(ctx(t), store.Knowledge{RoomID: "r1", Question: "q"}), parley.CodeBadRequest)
	wantCode(t, s.Knowledge.Teach(ctx(t), store.Knowledge{RoomID: "r1", Answer: "a"}), parley.CodeBadRequest)
}

func testKnowledgeRoomFirst(t *testing.T, s *store.Store) {
	must(t, s.Knowledge.Teach(ctx(t), store.Knowledge{Question: "lunch", Answer: "noon everywhere"}))
	must(t, s.Knowledge.Teach(ctx(t), store.Knowledge{RoomID: "r1", Question: "lunch", Answer: "one o'clock here"}))
	k, err := s.Knowledge.Lookup(ctx(t), "r1", "lunch")
	must(t, err)
	if k.Answer != "one o'clock here" {
		t.Fatalf("room r1 got %q, want its own answer", k.Answer)
	}
	k, err = s.Knowledge.Lookup(ctx(t), "r2", "lunch")
	must(t, err)
	if k.Answer != "noon everywhere" || k.RoomID != "" {
		t.Fatalf("room r2 got %+v, want the answer for every room", k)
	}
}

func testServices(t *testing.T, s *store.Store) {
	bot := newUser(t, s, "weather")
	svc := store.Service{AppID: "weather-app", SecretHash: "h1", UserID: bot.ID, CreatedAt: baseTime, Configured: true}
	must(t, s.Services.Create(ctx(t), &svc))
	got, err := s.Services.ByAppID(ctx(t), "weather-app")
	must(t, err)
	if *got != svc {
		t.Fatalf("ByAppID = %+v, want %+v", *got, svc)
	}
	dup := svc
	wantCode(t, s.Services.Create(ctx(t), &dup), parley.CodeConflict)
	ghost := store.Service{AppID: "ghost", SecretHash: "h", UserID: "no-such-user"}
	wantCode(t, s.Services.Create(ctx(t), &ghost), parley.CodeNotFound)
	wantCode(t, s.Services.Create(ctx(t), &store.Service{AppID: "x", UserID: bot.ID}), parley.CodeBadRequest)

	must(t, s.Services.SetSecret(ctx(t), "weather-app", "h2"))
	got, err = s.Services.ByAppID(ctx(t), "weather-app")
	must(t, err)
	if got.SecretHash != "h2" {
		t.Fatalf("secret hash after rotation = %q, want h2", got.SecretHash)
	}
	wantCode(t, s.Services.SetSecret(ctx(t), "ghost", "h"), parley.CodeNotFound)
	_, err = s.Services.ByAppID(ctx(t), "ghost")
	wantCode(t, err, parley.CodeNotFound)
}

func testServicesRevokeList(t *testing.T, s *store.Store) {
	list := func() []store.Service {
		t.Helper()
		l, err := s.Services.List(ctx(t))
		must(t, err)
		return l
	}
	if l := list(); len(l) != 0 {
		t.Fatalf("List of an empty store = %+v", l)
	}
	b, a := newUser(t, s, "bravo"), newUser(t, s, "alpha")
	made := store.Service{AppID: "bravo", SecretHash: "hb", UserID: b.ID, CreatedAt: baseTime}
	conf := store.Service{AppID: "alpha", SecretHash: "ha", UserID: a.ID, CreatedAt: baseTime, Configured: true}
	must(t, s.Services.Create(ctx(t), &made))
	must(t, s.Services.Create(ctx(t), &conf))
	if l := list(); len(l) != 2 || l[0] != conf || l[1] != made {
		t.Fatalf("List = %+v, want by app id %+v, %+v", l, conf, made)
	}

	must(t, s.Services.SetRevoked(ctx(t), "bravo", true))
	must(t, s.Services.SetRevoked(ctx(t), "bravo", true)) // twice is fine
	got, err := s.Services.ByAppID(ctx(t), "bravo")
	must(t, err)
	revoked := made
	revoked.Revoked = true
	if *got != revoked {
		t.Fatalf("ByAppID after SetRevoked = %+v, want %+v", *got, revoked)
	}
	if l := list(); len(l) != 2 || l[1] != revoked || l[0] != conf {
		t.Fatalf("List after revoking bravo = %+v", l)
	}
	must(t, s.Services.SetRevoked(ctx(t), "bravo", false))
	if got, err := s.Services.ByAppID(ctx(t), "bravo"); err != nil || *got != made {
		t.Fatalf("ByAppID after reinstating = %+v, %v; want %+v", got, err, made)
	}
	wantCode(t, s.Services.SetRevoked(ctx(t), "ghost", true), parley.CodeNotFound)
	wantCode(t, s.Services.SetSecret(ctx(t), "bravo", ""), parley.CodeBadRequest)
}
