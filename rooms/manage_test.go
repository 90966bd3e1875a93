package rooms_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
)

func sp(s string) *string { return &s }

// joinAll makes each user a member of a public room and forgets the events.
func (f *fixture) joinAll(roomID string, users ...parley.User) {
	f.t.Helper()
	for _, u := range users {
		if _, _, err := f.hub.Join(f.ctx, u, roomID); err != nil {
			f.t.Fatal(err)
		}
	}
	f.rec.Reset()
}

func TestUpdateRoom(t *testing.T) {
	f := newHub(t, nil)
	owner, admin, carol, dave := f.user("owner"), f.user("admin1"), f.user("carol"), f.user("dave")
	pub := f.room(owner, "pub", false)
	priv := f.room(owner, "priv", true)
	f.joinAll(pub.ID, admin, carol)
	if err := f.hub.SetRole(f.ctx, owner, pub.ID, "admin1", parley.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	f.rec.Reset()

	got, err := f.hub.UpdateRoom(f.ctx, owner, pub.ID, sp("  Plans  "), nil)
	if err != nil {
		t.Fatalf("owner renames: %v", err)
	}
	want := pub
	want.Name, want.Role = "Plans", ""
	if got != want {
		t.Fatalf("ack room = %+v, want %+v", got, want)
	}
	got, err = f.hub.UpdateRoom(f.ctx, admin, pub.ID, nil, sp("what we do next"))
	if err != nil {
		t.Fatalf("admin sets the topic: %v", err)
	}
	want.Topic = "what we do next"
	if got != want {
		t.Fatalf("ack room = %+v, want %+v (the name kept)", got, want)
	}
	evs := f.rec.Emits(protocol.EventRoomUpdated)
	if len(evs) != 2 {
		t.Fatalf("room:updated events = %+v", evs)
	}
	for _, ev := range evs {
		if !reflect.DeepEqual(ev.Target, rooms.Target{Rooms: []string{pub.ID}}) {
			t.Errorf("room:updated target = %+v", ev.Target)
		}
	}
	if ev := evs[1].Payload.(protocol.Room); ev != want {
		t.Errorf("room:updated = %+v, want %+v", ev, want)
	}
	rs, err := f.hub.RoomsOf(f.ctx, carol)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.ID == pub.ID && (r.Name != "Plans" || r.Topic != "what we do next") {
			t.Errorf("carol's room list has %+v", r)
		}
	}

	f.rec.Reset()
	for _, tc := range []struct {
		who         parley.User
		room        string
		name, topic *string
		code        parley.Code
	}{
		{carol, pub.ID, sp("mine now"), nil, parley.CodeForbidden}, // a plain member
		{dave, pub.ID, sp("mine now"), nil, parley.CodeForbidden},  // not a member of a public room
		{dave, priv.ID, sp("mine now"), nil, parley.CodeNotFound},  // nor of a private one
		{owner, "no-such-room", sp("x"), nil, parley.CodeNotFound},
		{owner, pub.ID, nil, nil, parley.CodeBadRequest},
		{owner, pub.ID, sp("   "), nil, parley.CodeBadRequest},
		{owner, pub.ID, sp("two\nlines"), nil, parley.CodeBadRequest},
		{owner, pub.ID, nil, sp("evil\u202etopic"), parley.CodeBadRequest},
		{owner, pub.ID, sp(strings.Repeat("n", parley.MaxRoomName+1)), nil, parley.CodeTooLarge},
		{owner, pub.ID, nil, sp(strings.Repeat("t", parley.MaxRoomTopic+1)), parley.CodeTooLarge},
		{owner, "", sp("x"), nil, parley.CodeBadRequest},
	} {
		_, err := f.hub.UpdateRoom(f.ctx, tc.who, tc.room, tc.name, tc.topic)
		if parley.CodeOf(err) != tc.code {
			t.Errorf("%s updating %q (%v, %v): %v, want %s", tc.who.Username, tc.room, tc.name, tc.topic, err, tc.code)
		}
	}
	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("refused updates emitted %+v", recs)
	}
	dm, err := f.hub.OpenDirect(f.ctx, owner, "carol")
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.hub.UpdateRoom(f.ctx, owner, dm.ID, sp("ours"), nil)
	wantCode(t, err, parley.CodeBadRequest)
}

func TestSetRole(t *testing.T) {
	f := newHub(t, nil)
	owner, bob, carol, dave := f.user("owner"), f.user("bob"), f.user("carol"), f.user("dave")
	pub := f.room(owner, "pub", false)
	f.joinAll(pub.ID, bob, carol)
	m1 := f.mustSend(carol, pub.ID, "one")
	m2 := f.mustSend(carol, pub.ID, "two")
	// bob's membership is read, and remembered, as a plain member's.
	wantCode(t, f.hub.DeleteMessage(f.ctx, bob, pub.ID, m1.ID), parley.CodeForbidden)
	f.rec.Reset()

	if err := f.hub.SetRole(f.ctx, owner, pub.ID, "Bob", parley.RoleAdmin); err != nil {
		t.Fatalf("owner promotes bob: %v", err)
	}
	evs := f.rec.Emits(protocol.EventMember)
	wantEv := protocol.MemberEvent{Room: pub.ID, User: protocol.UserOf(bob), Action: "role", Role: parley.RoleAdmin}
	if len(evs) != 1 || evs[0].Payload != wantEv || !reflect.DeepEqual(evs[0].Target, rooms.Target{Rooms: []string{pub.ID}}) {
		t.Fatalf("member events = %+v, want one %+v to the room", evs, wantEv)
	}
	if err := f.hub.DeleteMessage(f.ctx, bob, pub.ID, m1.ID); err != nil {
		t.Fatalf("bob, now an admin, deletes carol's message: %v", err)
	}
	members, err := f.hub.Members(f.ctx, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]parley.Role{}
	for _, m := range members {
		roles[m.Username] = m.Role
	}
	if want := map[string]parley.Role{"owner": parley.RoleOwner, "bob": parley.RoleAdmin, "carol": parley.RoleMember}; !reflect.DeepEqual(roles, want) {
		t.Errorf("member list roles = %v, want %v", roles, want)
	}

	f.rec.Reset()
	for _, tc := range []struct {
		who  parley.User
		user string
		role parley.Role
		code parley.Code
	}{
		{bob, "carol", parley.RoleAdmin, parley.CodeForbidden},   // an admin is not the owner
		{carol, "carol", parley.RoleAdmin, parley.CodeForbidden}, // nor is a member
		{owner, "owner", parley.RoleMember, parley.CodeForbidden},
		{owner, "carol", parley.RoleOwner, parley.CodeBadRequest},
		{owner, "carol", "", parley.CodeBadRequest},
		{owner, "dave", parley.RoleAdmin, parley.CodeNotFound}, // not a member
		{owner, "nobody", parley.RoleAdmin, parley.CodeNotFound},
		{owner, "", parley.RoleAdmin, parley.CodeBadRequest},
	} {
		err := f.hub.SetRole(f.ctx, tc.who, pub.ID, tc.user, tc.role)
		if parley.CodeOf(err) != tc.code {
			t.Errorf("%s sets %q to %q: %v, want %s", tc.who.Username, tc.user, tc.role, err, tc.code)
		}
	}
	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("refused role changes emitted %+v", recs)
	}
	_ = dave

	// Demoted, bob loses the right at once, though the hub remembered him
	// as an admin.
	if err := f.hub.SetRole(f.ctx, owner, pub.ID, "bob", parley.RoleMember); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.hub.DeleteMessage(f.ctx, bob, pub.ID, m2.ID), parley.CodeForbidden)
	rs, err := f.hub.RoomsOf(f.ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.ID == pub.ID && r.Role != parley.RoleMember {
			t.Errorf("bob's role in /api/rooms = %q, want member", r.Role)
		}
	}
}

// A demotion on one node reaches the memberships another node remembers.
func TestRoleChangeReachesOtherNodes(t *testing.T) {
	a, b, _, _ := twoNodes(t)
	owner, bob, carol := a.user("owner"), a.user("bob"), a.user("carol")
	pub := a.room(owner, "pub", false)
	a.joinAll(pub.ID, bob, carol)
	m1 := a.mustSend(carol, pub.ID, "one")
	m2 := a.mustSend(carol, pub.ID, "two")
	if err := a.hub.SetRole(a.ctx, owner, pub.ID, "bob", parley.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteMessage(a.ctx, bob, pub.ID, m1.ID); err != nil {
		t.Fatalf("admin bob deletes on node b: %v", err)
	}
	if err := a.hub.SetRole(a.ctx, owner, pub.ID, "bob", parley.RoleMember); err != nil {
		t.Fatal(err)
	}
	wantCode(t, b.DeleteMessage(a.ctx, bob, pub.ID, m2.ID), parley.CodeForbidden)
}

// The owner leaving passes the room to the first admin, else the first
// member; the room hears who left, then who owns it now.
func TestOwnerLeavingPassesTheRoomOn(t *testing.T) {
	f := newHub(t, nil)
	owner, bob, carol := f.user("owner"), f.user("bob"), f.user("carol")
	pub := f.room(owner, "pub", false)
	f.joinAll(pub.ID, bob, carol)
	if err := f.hub.SetRole(f.ctx, owner, pub.ID, "carol", parley.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	f.rec.Reset()

	if err := f.hub.Leave(f.ctx, owner, pub.ID); err != nil {
		t.Fatal(err)
	}
	got := f.rec.Payloads(protocol.EventMember)
	want := []any{
		protocol.MemberEvent{Room: pub.ID, User: protocol.UserOf(owner), Action: "left"},
		protocol.MemberEvent{Room: pub.ID, User: protocol.UserOf(carol), Action: "role", Role: parley.RoleOwner},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("member events = %+v, want %+v", got, want)
	}
	// carol owns it: she may give roles, and cannot be kicked by bob
	// once he is an admin.
	if err := f.hub.SetRole(f.ctx, carol, pub.ID, "bob", parley.RoleAdmin); err != nil {
		t.Fatalf("the new owner gives a role: %v", err)
	}
	wantCode(t, f.hub.Kick(f.ctx, bob, pub.ID, "carol"), parley.CodeForbidden)
	rs, err := f.hub.RoomsOf(f.ctx, carol)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.ID == pub.ID && r.Role != parley.RoleOwner {
			t.Errorf("carol's role in /api/rooms = %q, want owner", r.Role)
		}
	}
	// A member leaving passes nothing on.
	f.rec.Reset()
	if err := f.hub.Leave(f.ctx, bob, pub.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.rec.Payloads(protocol.EventMember); len(got) != 1 {
		t.Errorf("a member leaving: events %+v, want only the leave", got)
	}
}

// A room named before today's rules (here, with a bidi override) can still
// have its topic changed: only the fields given are checked.
func TestUpdateChecksOnlyTheFieldsGiven(t *testing.T) {
	f := newHub(t, nil)
	alice := f.user("alice")
	old := parley.Room{ID: "old-room", Name: "legacy\u202ename", Kind: parley.RoomGroup, CreatedAt: f.clk.Now()}
	if err := f.st.Rooms.Create(f.ctx, &old, alice.ID); err != nil {
		t.Fatal(err)
	}
	topic := "still in use"
	got, err := f.hub.UpdateRoom(f.ctx, alice, old.ID, nil, &topic)
	if err != nil {
		t.Fatalf("topic of a room with an old name: %v", err)
	}
	if got.Topic != topic || got.Name != old.Name {
		t.Fatalf("UpdateRoom = %+v, want the topic set and the name kept", got)
	}
	bad := "new\u202ename"
	_, err = f.hub.UpdateRoom(f.ctx, alice, old.ID, &bad, nil)
	wantCode(t, err, parley.CodeBadRequest)
}
