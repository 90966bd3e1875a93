package rooms_test

import (
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// A server administrator moderates any group room as its owner's admins
// do, private ones too, without a role there or even a membership; direct
// rooms stay their members' own. The hub reads the account's flag at each
// action: the caller's copy of the account may be stale.
func TestServerAdminModeratesAnyGroupRoom(t *testing.T) {
	f := newHub(t, nil)
	root, bob, carol, dave := f.user("root"), f.user("bob"), f.user("carol"), f.user("dave")
	secret := f.room(bob, "secret", true)
	if err := f.hub.Invite(f.ctx, bob, secret.ID, "carol"); err != nil {
		t.Fatal(err)
	}
	spam := f.mustSend(carol, secret.ID, "spam")
	inGeneral := f.mustSend(carol, parley.DefaultRoomID, "more spam")
	direct, err := f.hub.OpenDirect(f.ctx, bob, "carol")
	if err != nil {
		t.Fatal(err)
	}
	private := f.mustSend(carol, direct.ID, "between us")
	f.rec.Reset()

	// Not yet an administrator: a plain member, and a stranger to secret.
	wantCode(t, f.hub.DeleteMessage(f.ctx, root, parley.DefaultRoomID, inGeneral.ID), parley.CodeForbidden)
	wantCode(t, f.hub.DeleteMessage(f.ctx, root, secret.ID, spam.ID), parley.CodeNotFound)
	wantCode(t, f.hub.Kick(f.ctx, root, secret.ID, "carol"), parley.CodeNotFound)

	if err := f.st.UserAdmin.SetAdmin(f.ctx, root.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := f.hub.DeleteMessage(f.ctx, root, parley.DefaultRoomID, inGeneral.ID); err != nil {
		t.Errorf("delete another's message where a plain member: %v", err)
	}
	if err := f.hub.DeleteMessage(f.ctx, root, secret.ID, spam.ID); err != nil {
		t.Fatalf("delete in a private room one is not in: %v", err)
	}
	dels := f.rec.Emits(protocol.EventDeleted)
	if len(dels) != 2 || dels[1].Payload != (protocol.DeletedEvent{Room: secret.ID, ID: spam.ID, Seq: spam.Seq}) {
		t.Errorf("deleted events = %+v", dels)
	}
	if h := f.history(bob, secret.ID); len(h) != 1 || !h[0].Deleted {
		t.Errorf("secret's history after the delete: %+v", h)
	}
	if _, err := f.hub.UpdateRoom(f.ctx, root, secret.ID, nil, sp("moderated")); err != nil {
		t.Errorf("update a room one is not in: %v", err)
	}
	if err := f.hub.Invite(f.ctx, root, secret.ID, "dave"); err != nil {
		t.Errorf("invite into a room one is not in: %v", err)
	}
	if err := f.hub.SetRole(f.ctx, root, secret.ID, "dave", parley.RoleAdmin); err != nil {
		t.Errorf("appoint an admin of a room one does not own: %v", err)
	}
	wantCode(t, f.hub.SetRole(f.ctx, root, secret.ID, "bob", parley.RoleMember), parley.CodeForbidden)
	wantCode(t, f.hub.Kick(f.ctx, root, secret.ID, "bob"), parley.CodeForbidden)
	if err := f.hub.Kick(f.ctx, root, secret.ID, "carol"); err != nil {
		t.Errorf("kick from a room one is not in: %v", err)
	}
	members, err := f.hub.Members(f.ctx, secret.ID)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]parley.Role{}
	for _, m := range members {
		roles[m.Username] = m.Role
	}
	if len(roles) != 2 || roles["bob"] != parley.RoleOwner || roles["dave"] != parley.RoleAdmin {
		t.Errorf("secret's members after moderation: %+v", members)
	}

	// Direct rooms are nobody else's business.
	wantCode(t, f.hub.DeleteMessage(f.ctx, root, direct.ID, private.ID), parley.CodeNotFound)
	wantCode(t, f.hub.Kick(f.ctx, root, direct.ID, "carol"), parley.CodeNotFound)

	// The room browser shows an administrator the private rooms, marked,
	// and lets them join.
	admin := root
	admin.Admin = true
	browse := func(u parley.User) map[string]bool {
		t.Helper()
		rs, err := f.hub.PublicRooms(f.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, r := range rs {
			out[r.Name] = r.Private
		}
		return out
	}
	if got := browse(admin); len(got) != 2 || got["secret"] != true || got["General"] != false {
		t.Errorf("an administrator's room browser: %v", got)
	}
	if got := browse(carol); len(got) != 1 || got["secret"] {
		t.Errorf("a plain user's room browser: %v", got)
	}
	if _, _, err := f.hub.Join(f.ctx, root, secret.ID); err != nil {
		t.Errorf("join a private room: %v", err)
	}
	_, _, err = f.hub.Join(f.ctx, dave, direct.ID)
	wantCode(t, err, parley.CodeNotFound)

	// Demoted, a plain member again.
	if err := f.st.UserAdmin.SetAdmin(f.ctx, root.ID, false); err != nil {
		t.Fatal(err)
	}
	again := f.mustSend(dave, parley.DefaultRoomID, "hello")
	wantCode(t, f.hub.DeleteMessage(f.ctx, admin, parley.DefaultRoomID, again.ID), parley.CodeForbidden)
}
