package rooms_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/parleytest"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
)

// elsewhere is a Presence shared with other nodes, played by the test:
// online lists the users it says have a socket on some node, and down
// makes every call fail as an unreachable Redis would.
type elsewhere struct {
	mu     sync.Mutex
	online map[string]bool
	down   bool
	calls  []string
}

var _ rooms.Presence = (*elsewhere)(nil)

func (e *elsewhere) call(what string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, what)
	if e.down {
		return parley.Errorf(parley.CodeUnavailable, "presence: redis is down")
	}
	return nil
}

func (e *elsewhere) Arrived(_ context.Context, userID string) (bool, error) {
	if err := e.call("arrived " + userID); err != nil {
		return false, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	was := e.online[userID]
	e.online[userID] = true
	return !was, nil
}

func (e *elsewhere) Left(_ context.Context, userID string, _ time.Duration) (string, error) {
	if err := e.call("left " + userID); err != nil {
		return "", err
	}
	return "", nil // always still connected on another node
}

func (e *elsewhere) Expire(_ context.Context, userID, token string) (bool, error) {
	return false, e.call("expire " + userID)
}

func (e *elsewhere) Online(_ context.Context, userIDs []string) ([]bool, error) {
	if err := e.call("online"); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]bool, len(userIDs))
	for i, id := range userIDs {
		out[i] = e.online[id]
	}
	return out, nil
}

func (e *elsewhere) Close(context.Context, time.Duration) error { return e.call("close") }

func onlineFlags(t *testing.T, f *fixture, roomID string) map[string]bool {
	t.Helper()
	ms, err := f.hub.Members(f.ctx, roomID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, m := range ms {
		out[m.Username] = *m.Online
	}
	return out
}

// TestPresenceIsTheClusters: the hub announces and reports what the
// shared Presence decides, not what its own sockets suggest.
func TestPresenceIsTheClusters(t *testing.T) {
	shared := &elsewhere{online: map[string]bool{}}
	f := newHub(t, func(c *rooms.Config) { c.Presence = shared; c.PresenceGrace = 10 * time.Millisecond })
	alice, bob := f.user("alice"), f.user("bob")
	shared.online[bob.ID] = true // bob has a socket on another node

	if got := onlineFlags(t, f, parley.DefaultRoomID); !got["bob"] || got["alice"] {
		t.Errorf("member list online = %v, want bob (on another node) online, alice not", got)
	}
	f.hub.Connected(bob, "c1", []string{parley.DefaultRoomID})
	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("bob, already online elsewhere, connecting here emitted %+v", recs)
	}
	f.hub.Disconnected(bob, "c1")
	time.Sleep(50 * time.Millisecond) // several grace periods
	if recs := f.rec.Records(); len(recs) != 0 {
		t.Errorf("bob, still online elsewhere, leaving this node emitted %+v", recs)
	}

	// The Presence saw alice go offline (her node died): the hub tells
	// her rooms.
	f.hub.PresenceChanged([]string{alice.ID}, false)
	want := []parleytest.Record{{
		Kind: "emit", Event: protocol.EventPresence,
		Target:  rooms.Target{Rooms: []string{parley.DefaultRoomID}, ExceptUser: alice.ID},
		Payload: protocol.PresenceEvent{User: protocol.UserOf(alice), Online: false},
	}}
	if got := f.rec.Records(); !reflect.DeepEqual(got, want) {
		t.Errorf("PresenceChanged: %+v\nwant %+v", got, want)
	}
}

// TestPresenceAloneWhileUnavailable: with the shared Presence out of
// reach, local sockets keep working and presence is this node's view:
// announced online on the first socket here, offline after the grace.
func TestPresenceAloneWhileUnavailable(t *testing.T) {
	shared := &elsewhere{online: map[string]bool{}, down: true}
	reg := monitoring.NewRegistry()
	f := newHub(t, func(c *rooms.Config) {
		c.Presence = shared
		c.PresenceGrace = 20 * time.Millisecond
		c.Metrics = reg
	})
	alice := f.user("alice")
	f.hub.Connected(alice, "c1", []string{parley.DefaultRoomID})
	if on := presenceEvents(f.rec, true); len(on) != 1 {
		t.Errorf("online events = %+v, want one", on)
	}
	if got := onlineFlags(t, f, parley.DefaultRoomID); !got["alice"] {
		t.Errorf("member list online = %v, want alice (socket here) online", got)
	}
	f.hub.Disconnected(alice, "c1")
	deadline := time.Now().Add(5 * time.Second)
	for len(presenceEvents(f.rec, false)) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if off := presenceEvents(f.rec, false); len(off) != 1 {
		t.Errorf("offline events = %+v, want one", off)
	}
	mfs, err := reg.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "parley_presence_fallbacks_total" {
			if v := mf.GetMetric()[0].GetCounter().GetValue(); v < 3 {
				t.Errorf("parley_presence_fallbacks_total = %v, want at least 3 (arrived, online, left)", v)
			}
			return
		}
	}
	t.Error("no parley_presence_fallbacks_total")
}

// TestMemoryPresence: one node's presence, by itself.
func TestMemoryPresence(t *testing.T) {
	ctx := context.Background()
	m := rooms.NewMemoryPresence()
	if came, _ := m.Arrived(ctx, "u1"); !came {
		t.Error("first arrival is not announced")
	}
	if tok, _ := m.Left(ctx, "nobody", time.Second); tok != "" {
		t.Errorf("Left of a user who never arrived began a grace period %q", tok)
	}
	tok, _ := m.Left(ctx, "u1", time.Second)
	if got, _ := m.Online(ctx, []string{"u1", "u2"}); !reflect.DeepEqual(got, []bool{true, false}) {
		t.Errorf("online within grace = %v", got)
	}
	if came, _ := m.Arrived(ctx, "u1"); came {
		t.Error("a return within the grace period is announced")
	}
	if off, _ := m.Expire(ctx, "u1", tok); off {
		t.Error("a grace period ended by a return still expired")
	}
	tok, _ = m.Left(ctx, "u1", time.Second)
	if off, _ := m.Expire(ctx, "u1", tok); !off {
		t.Error("the grace period did not expire")
	}
	if off, _ := m.Expire(ctx, "u1", tok); off {
		t.Error("a grace period expired twice")
	}
	if got, _ := m.Online(ctx, []string{"u1"}); got[0] {
		t.Error("online after the grace period")
	}
}
