package rooms

import (
	"testing"
	"time"

	"github.com/parley-chat/parley"
)

// A membership read before a leave, and put after it, must not be kept:
// the user would go on sending to a room they left until it expired.
func TestMemberCacheDropsReadsOlderThanAForget(t *testing.T) {
	c := newMemberCache(time.Now)
	m := parley.Membership{RoomID: "r", UserID: "u", Role: parley.RoleMember, ReadSeq: 7}

	epoch := c.begin() // the read starts...
	c.forget("r", "u") // ...the user leaves...
	c.put(m, epoch)    // ...the read ends with what it saw before
	if got, ok := c.get("r", "u"); ok {
		t.Fatalf("a membership read before it ended is remembered: %+v", got)
	}

	c.put(m, c.begin())
	got, ok := c.get("r", "u")
	if !ok {
		t.Fatal("a membership read with no forget in between is not remembered")
	}
	if got.ReadSeq != 0 || got.Role != parley.RoleMember || got.RoomID != "r" {
		t.Errorf("remembered %+v: want the role and room, and no read cursor", got)
	}
	c.forgetAll()
	if _, ok := c.get("r", "u"); ok {
		t.Error("forgetAll kept a membership")
	}
}

// A notice from another node can be lost (Redis down): what this node
// remembers must still end within memberCacheTTL.
func TestMemberCacheEntriesExpire(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := newMemberCache(func() time.Time { return now })
	c.put(parley.Membership{RoomID: "r", UserID: "u"}, c.begin())
	now = now.Add(memberCacheTTL - time.Millisecond)
	if _, ok := c.get("r", "u"); !ok {
		t.Fatal("forgot a membership before its time")
	}
	now = now.Add(time.Millisecond)
	if m, ok := c.get("r", "u"); ok {
		t.Fatalf("still remembers %+v after %v", m, memberCacheTTL)
	}
}
