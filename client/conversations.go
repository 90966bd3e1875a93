package parleyclient

import (
	"context"

	"github.com/parley-chat/parley/protocol"
)

// Events that change or read around a sent message.
const (
	eventEdit        = "message:edit"
	eventReactionAdd = "reaction:add"
	eventReactionDel = "reaction:remove"
	eventThread      = "thread"
)

type messageRef struct {
	Room string `json:"room"`
	ID   string `json:"id"`
}

// Edit replaces the text of one of the caller's messages and returns it as
// stored (with editedAt); the room gets message:updated. Editing again
// with the same text is harmless, so a lost answer is retried.
func (c *Client) Edit(ctx context.Context, room, id, text string) (protocol.Message, error) {
	var r struct {
		Message protocol.Message `json:"message"`
	}
	err := c.call(ctx, eventEdit, struct {
		messageRef
		Text string `json:"text"`
	}{messageRef{room, id}, text}, &r, retryOnDisconnect)
	return r.Message, err
}

// React puts the caller's emoji (one emoji or a :shortcode:) on a message,
// or takes it back when add is false, and returns the message; adding
// twice or removing what is not there changes nothing.
func (c *Client) React(ctx context.Context, room, id, emoji string, add bool) (protocol.Message, error) {
	event := eventReactionAdd
	if !add {
		event = eventReactionDel
	}
	var r struct {
		Message protocol.Message `json:"message"`
	}
	err := c.call(ctx, event, struct {
		messageRef
		Emoji string `json:"emoji"`
	}{messageRef{room, id}, emoji}, &r, retryOnDisconnect)
	return r.Message, err
}

// Thread returns a message and up to limit of its replies with a seq above
// after, oldest first; limit 0 is the server's default.
func (c *Client) Thread(ctx context.Context, room, id string, after int64, limit int) (protocol.Thread, error) {
	var t protocol.Thread
	err := c.call(ctx, eventThread, struct {
		messageRef
		After int64 `json:"after"`
		Limit int   `json:"limit"`
	}{messageRef{room, id}, after, limit}, &t, retryOnDisconnect)
	return t, err
}
