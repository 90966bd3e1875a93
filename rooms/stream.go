package rooms

// StreamEvent is a piece of a bot's reply still being written.
type StreamEvent struct {
	Room     string `json:"room"`
	StreamID string `json:"streamId"`
	Delta    string `json:"delta"`
	Done     bool   `json:"done"`
}

// Stream sends a delta of a reply in progress to the room. Nothing is
// stored: the final text arrives as a normal message carrying streamID, and
// a client that missed deltas loses nothing but the animation.
func (h *Hub) Stream(roomID, streamID, delta string, done bool) {
	h.emit.Emit(roomTarget(roomID), EventStream, StreamEvent{Room: roomID, StreamID: streamID, Delta: delta, Done: done})
}
