package parleyclient

import (
	"slices"
	"testing"

	"github.com/parley-chat/parley/protocol"
)

func msg(room string, seq int64) protocol.Message { return protocol.Message{Room: room, Seq: seq} }

func seqs(ms []protocol.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Seq
	}
	return out
}

func wantSeqs(t *testing.T, what string, got []protocol.Message, want ...int64) {
	t.Helper()
	if !slices.Equal(seqs(got), want) && !(len(got) == 0 && len(want) == 0) {
		t.Fatalf("%s: delivered %v, want %v", what, seqs(got), want)
	}
}

func TestSequencerDeliversInOrderAndDropsDuplicates(t *testing.T) {
	s := newSequencer(map[string]int64{"r": 2})
	wantSeqs(t, "next", s.live(msg("r", 3)), 3)
	wantSeqs(t, "duplicate", s.live(msg("r", 3)))
	wantSeqs(t, "older than the cursor", s.live(msg("r", 1)))
	wantSeqs(t, "next again", s.live(msg("r", 4)), 4)
	if len(s.waiting()) != 0 || s.cursors()["r"] != 4 {
		t.Fatalf("waiting %v, cursors %v", s.waiting(), s.cursors())
	}
}

func TestSequencerHoldsALaterMessageUntilTheGapIsFilled(t *testing.T) {
	s := newSequencer(map[string]int64{"r": 1})
	wantSeqs(t, "gap 2..3", s.live(msg("r", 4)))
	wantSeqs(t, "duplicate of a parked one", s.live(msg("r", 4)))
	if !slices.Equal(s.waiting(), []string{"r"}) {
		t.Fatalf("waiting: %v", s.waiting())
	}
	wantSeqs(t, "2 arrives live", s.live(msg("r", 2)), 2)
	wantSeqs(t, "the fetch fills 3 (and repeats 4)", s.fetched("r", []protocol.Message{msg("r", 3), msg("r", 4)}), 3, 4)
	wantSeqs(t, "4 arrives live at last", s.live(msg("r", 4)))
	wantSeqs(t, "5", s.live(msg("r", 5)), 5)
	if len(s.waiting()) != 0 {
		t.Fatalf("waiting: %v", s.waiting())
	}
}

func TestSequencerParksRoomsWithoutACursorUntilFetched(t *testing.T) {
	s := newSequencer(nil)
	wantSeqs(t, "unknown room", s.live(msg("r", 8)))
	wantSeqs(t, "other rooms go on", s.fetched("q", []protocol.Message{msg("q", 1)}), 1)
	wantSeqs(t, "fetched from the read cursor", s.fetched("r", []protocol.Message{msg("r", 6), msg("r", 7), msg("r", 8)}), 6, 7, 8)
	wantSeqs(t, "after it", s.live(msg("r", 9)), 9)
}

func TestSequencerAdoptsWhatTheServerCannotFill(t *testing.T) {
	s := newSequencer(map[string]int64{"r": 1})
	s.live(msg("r", 7))
	s.live(msg("r", 5))
	s.live(msg("r", 1))
	wantSeqs(t, "adopt", s.adopt("r"), 5, 7)
	wantSeqs(t, "after", s.live(msg("r", 8)), 8)
	wantSeqs(t, "stale", s.live(msg("r", 6)))

	u := newSequencer(nil)
	u.live(msg("u", 3))
	u.live(msg("u", 2))
	wantSeqs(t, "adopt an unknown room", u.adopt("u"), 2, 3)
	if u.cursors()["u"] != 3 || len(u.waiting()) != 0 {
		t.Fatalf("cursors %v, waiting %v", u.cursors(), u.waiting())
	}
}

func TestSequencerTrustsFetchedPagesOverItsCursor(t *testing.T) {
	s := newSequencer(map[string]int64{"r": 3})
	s.live(msg("r", 9))
	// pages are consecutive after the cursor sent: 4..6 do not exist
	// (never on a real server), so 7 is next
	wantSeqs(t, "page", s.fetched("r", []protocol.Message{msg("r", 2), msg("r", 7), msg("r", 8)}), 7, 8, 9)
	if s.cursors()["r"] != 9 {
		t.Fatalf("cursor %d", s.cursors()["r"])
	}
}

func TestSequencerKeepsItsOwnCopyOfTheCursors(t *testing.T) {
	in := map[string]int64{"r": 1}
	s := newSequencer(in)
	s.live(msg("r", 2))
	out := s.cursors()
	out["r"] = 99
	if in["r"] != 1 || s.cursors()["r"] != 2 {
		t.Fatalf("in %v, sequencer %v", in, s.cursors())
	}
}
