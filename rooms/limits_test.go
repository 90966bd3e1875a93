package rooms_test

import (
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
)

func TestEventsSpendTheirClassBudget(t *testing.T) {
	f := newHub(t, func(c *rooms.Config) {
		c.Limits = map[rooms.Class]rooms.Limit{
			rooms.ClassWrite: {Rate: rooms.Rate{PerSecond: 0.5, Burst: 2}},
			rooms.ClassRead:  {Rate: rooms.Rate{PerSecond: 1, Burst: 1}},
		}
	})
	alice, bob := f.user("alice"), f.user("bob")
	for _, ev := range []string{protocol.EventRead, protocol.EventOpenDirect} {
		if err := f.hub.AllowEvent(f.ctx, alice.ID, ev); err != nil {
			t.Fatalf("%s within the burst: %v", ev, err)
		}
	}
	err := f.hub.AllowEvent(f.ctx, alice.ID, protocol.EventJoin)
	wantCode(t, err, parley.CodeRateLimited)
	if got := parley.RetryAfterOf(err); got != 2*time.Second {
		t.Errorf("RetryAfter = %v, want 2s (one write per 2s)", got)
	}
	// Reads are another budget, bob has his own, and events of no class
	// spend nothing.
	if err := f.hub.AllowEvent(f.ctx, alice.ID, protocol.EventHistory); err != nil {
		t.Errorf("history: %v", err)
	}
	wantCode(t, f.hub.AllowEvent(f.ctx, alice.ID, protocol.EventSync), parley.CodeRateLimited)
	if err := f.hub.AllowEvent(f.ctx, bob.ID, protocol.EventKick); err != nil {
		t.Errorf("bob's kick: %v", err)
	}
	for range 5 {
		if err := f.hub.AllowEvent(f.ctx, alice.ID, protocol.EventSend); err != nil {
			t.Fatalf("message:send spends its own budget, not the write class's: %v", err)
		}
	}
	f.clk.Add(2 * time.Second)
	if err := f.hub.AllowEvent(f.ctx, alice.ID, protocol.EventDelete); err != nil {
		t.Errorf("a write after the window: %v", err)
	}
}

func TestEveryClientEventHasAClass(t *testing.T) {
	for _, ev := range []string{
		protocol.EventRead, protocol.EventOpenDirect, protocol.EventJoin, protocol.EventLeave, protocol.EventInvite,
		protocol.EventKick, protocol.EventDelete, protocol.EventSkillRegister, protocol.EventHistory, protocol.EventSync,
		protocol.EventNotify,
		protocol.EventUpdateRoom, protocol.EventRole,
	} {
		if _, ok := rooms.ClassOf(ev); !ok {
			t.Errorf("%s spends no budget", ev)
		}
	}
	for _, ev := range []string{protocol.EventSend, protocol.EventTyping} { // their own, in the hub
		if c, ok := rooms.ClassOf(ev); ok {
			t.Errorf("%s spends class %s before it is handled", ev, c)
		}
	}
}

func TestCreateRoomLimited(t *testing.T) {
	f := newHub(t, func(c *rooms.Config) {
		c.Limits = map[rooms.Class]rooms.Limit{rooms.ClassCreateRoom: {Rate: rooms.Rate{PerSecond: 0.1, Burst: 2}}}
	})
	alice := f.user("alice")
	f.room(alice, "one", false)
	f.room(alice, "two", false)
	_, err := f.hub.CreateRoom(f.ctx, alice, "three", "", false)
	wantCode(t, err, parley.CodeRateLimited)
	if got := parley.RetryAfterOf(err); got != 10*time.Second {
		t.Errorf("RetryAfter = %v, want 10s", got)
	}
	rs, err := f.hub.RoomsOf(f.ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Name == "three" {
			t.Errorf("the refused room was created: %+v", r)
		}
	}
}

func TestTypingRepeatsAreNotBroadcastAndFloodsAreCapped(t *testing.T) {
	f := newHub(t, func(c *rooms.Config) {
		c.Limits = map[rooms.Class]rooms.Limit{rooms.ClassTyping: {Rate: rooms.Rate{PerSecond: 0.1, Burst: 3}}}
		c.TypingRepeat = 2 * time.Second
	})
	alice := f.user("alice")
	f.user("bob")
	typing := func(v bool) error { return f.hub.Typing(f.ctx, alice, parley.DefaultRoomID, v) }
	emitted := func() []bool {
		var out []bool
		for _, r := range f.rec.Records() {
			out = append(out, r.Payload.(protocol.TypingEvent).Typing)
		}
		f.rec.Reset()
		return out
	}
	for range 5 {
		if err := typing(true); err != nil {
			t.Fatalf("a repeated typing state: %v", err)
		}
	}
	if got := emitted(); len(got) != 1 || !got[0] {
		t.Fatalf("5 typing:true in an instant broadcast %v, want [true]", got)
	}
	// Past the window the same state is told again (clients resend it
	// while the person types).
	f.clk.Add(2 * time.Second)
	if err := typing(true); err != nil {
		t.Fatal(err)
	}
	if err := typing(false); err != nil {
		t.Fatal(err)
	}
	if got := emitted(); len(got) != 2 || !got[0] || got[1] {
		t.Fatalf("broadcast %v, want [true false]", got)
	}
	// The budget of 3 is spent: a change is refused, a repeat still acked.
	wantCode(t, typing(true), parley.CodeRateLimited)
	if err := typing(false); err != nil {
		t.Errorf("a repeat past the budget: %v", err)
	}
	if got := emitted(); len(got) != 0 {
		t.Errorf("broadcast %v past the budget", got)
	}
}
