package parleyclient

import (
	"maps"
	"slices"
	"sync"

	"github.com/parley-chat/parley/protocol"
)

// sequencer decides, per room, which messages may be delivered: each seq
// once, in order. A message the server pushes (live) is delivered when it
// follows the last one delivered, dropped when it is not newer, and parked
// when it leaves a gap or when the room has no cursor yet; parked rooms are
// resolved by what the server fetches (sync), which is authoritative: its
// pages are consecutive after the cursor sent.
//
// Only the delivery loop changes it; the lock is for Cursors().
type sequencer struct {
	mu      sync.Mutex
	last    map[string]int64                      // room -> highest seq delivered
	pending map[string]map[int64]protocol.Message // room -> parked live messages by seq
}

func newSequencer(cursors map[string]int64) *sequencer {
	last := maps.Clone(cursors)
	if last == nil {
		last = map[string]int64{}
	}
	return &sequencer{last: last, pending: map[string]map[int64]protocol.Message{}}
}

// live takes a pushed message and returns what may be delivered now, in
// order.
func (s *sequencer) live(m protocol.Message) []protocol.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	last, known := s.last[m.Room]
	switch {
	case known && m.Seq <= last:
		return nil
	case known && m.Seq == last+1:
		s.last[m.Room] = m.Seq
		return append([]protocol.Message{m}, s.drain(m.Room)...)
	}
	if s.pending[m.Room] == nil {
		s.pending[m.Room] = map[int64]protocol.Message{}
	}
	s.pending[m.Room][m.Seq] = m
	return nil
}

// fetched takes the messages the server returned after the room's cursor,
// oldest first, and returns what may be delivered, in order.
func (s *sequencer) fetched(room string, msgs []protocol.Message) []protocol.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []protocol.Message
	for _, m := range msgs {
		if last, known := s.last[room]; known && m.Seq <= last {
			continue
		}
		// Consecutive after the cursor: nothing the server holds lies
		// between, so this one is next even if it is not last+1.
		s.last[room] = m.Seq
		out = append(out, m)
	}
	return append(out, s.drain(room)...)
}

// adopt gives up on filling room: its parked messages are delivered in
// seq order, as the server holds nothing to put between them.
func (s *sequencer) adopt(room string) []protocol.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	parked := s.pending[room]
	delete(s.pending, room)
	last, known := s.last[room]
	var out []protocol.Message
	for _, seq := range slices.Sorted(maps.Keys(parked)) {
		if known && seq <= last {
			continue
		}
		last, known = seq, true
		out = append(out, parked[seq])
	}
	if known {
		s.last[room] = last
	}
	return out
}

// drain delivers the parked messages that now follow the cursor and drops
// those already delivered. The caller holds the lock.
func (s *sequencer) drain(room string) []protocol.Message {
	parked := s.pending[room]
	last, known := s.last[room]
	if len(parked) == 0 || !known {
		return nil
	}
	var out []protocol.Message
	for seq := range parked {
		if seq <= last {
			delete(parked, seq)
		}
	}
	for {
		m, ok := parked[last+1]
		if !ok {
			break
		}
		delete(parked, last+1)
		last++
		out = append(out, m)
	}
	s.last[room] = last
	if len(parked) == 0 {
		delete(s.pending, room)
	}
	return out
}

// known reports whether room has a cursor.
func (s *sequencer) known(room string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.last[room]
	return ok
}

// waiting lists the rooms with parked messages, sorted.
func (s *sequencer) waiting() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.pending))
}

// cursors returns the last seq delivered per room.
func (s *sequencer) cursors() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.last)
}
