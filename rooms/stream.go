package rooms

import "github.com/parley-chat/parley/protocol"

// Stream sends a delta of a reply in progress to the room. Nothing is
// stored: the final text arrives as a normal message carrying streamID, and
// a client that missed deltas loses nothing but the animation.
func (h *Hub) Stream(roomID, streamID, delta string, done bool) {
	h.emit.Emit(roomTarget(roomID), protocol.EventStream, protocol.StreamEvent{Room: roomID, StreamID: streamID, Delta: delta, Done: done})
}
