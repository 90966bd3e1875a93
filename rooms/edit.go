package rooms

import (
	"context"
	"slices"
	"strings"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// EditMessage replaces the text of one of the user's own messages, with the
// rules and the filter of a send, and recomputes its mentions. The room gets
// the new state as message:updated; observers are told of the names the edit
// newly mentions (Posted.Edited), so a mention added by an edit is answered,
// and one that was there already is not answered again.
func (h *Hub) EditMessage(ctx context.Context, user parley.User, roomID, id, text string) (protocol.Message, error) {
	if err := checkMessageID(id); err != nil {
		return protocol.Message{}, err
	}
	text, err := h.validText(text)
	if err != nil {
		return protocol.Message{}, err
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	m, err := h.member(ctx, user.ID, roomID)
	if err != nil {
		return protocol.Message{}, err
	}
	old, err := h.liveMessage(ctx, m.RoomID, id)
	if err != nil {
		return protocol.Message{}, err
	}
	if old.SenderID != user.ID {
		return protocol.Message{}, parley.Errorf(parley.CodeForbidden, "only the sender may edit this message")
	}
	text, _ = h.cfg.Filter.Mask(text)
	mentions, err := h.mentions(ctx, text)
	if err != nil {
		return protocol.Message{}, err
	}
	edited, err := h.store.Edits.Edit(ctx, m.RoomID, id, text, mentions, h.now())
	if err != nil {
		return protocol.Message{}, notFoundAsMessage(err)
	}
	mine, err := h.updated(ctx, user.ID, *edited, changeEdit)
	if err != nil {
		return protocol.Message{}, err
	}
	var added []string
	for _, name := range mentions {
		if !slices.Contains(old.Mentions, name) {
			added = append(added, name)
		}
	}
	if len(added) > 0 {
		notice := *edited
		notice.Mentions = added
		h.notify(Posted{Message: notice, Sender: user, Edited: true})
	}
	return mine, nil
}

// maxMessageID bounds the message ids clients name (the server's own are 32
// hex digits), so a long one is refused before any store call.
const maxMessageID = 128

// checkMessageID refuses a missing or overlong message id.
func checkMessageID(id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return parley.Errorf(parley.CodeBadRequest, "id is required")
	case len(id) > maxMessageID:
		return parley.Errorf(parley.CodeBadRequest, "id is longer than %d characters", maxMessageID)
	}
	return nil
}

// liveMessage reads a message that is not deleted: NOT_FOUND otherwise.
func (h *Hub) liveMessage(ctx context.Context, roomID, id string) (*parley.Message, error) {
	msg, err := h.store.Messages.Get(ctx, roomID, id)
	if err == nil && msg.Deleted {
		err = parley.Errorf(parley.CodeNotFound, "message not found")
	}
	return msg, notFoundAsMessage(err)
}

// notFoundAsMessage words a store's NOT_FOUND for the client.
func notFoundAsMessage(err error) error {
	if parley.CodeOf(err) == parley.CodeNotFound {
		return parley.Errorf(parley.CodeNotFound, "message not found")
	}
	return err
}

// The kinds of change to a sent message.
const (
	changeEdit     = "edit"
	changeReaction = "reaction"
	changeDelete   = "delete"
)

// updated broadcasts a changed message to its room as message:updated and
// returns it as viewerID reads it, for the ack.
func (h *Hub) updated(ctx context.Context, viewerID string, m parley.Message, kind string) (protocol.Message, error) {
	views, err := h.view(ctx, "", []parley.Message{m})
	if err != nil {
		return protocol.Message{}, err
	}
	h.emit.Emit(roomTarget(m.RoomID), protocol.EventUpdated, views[0])
	h.metrics.changes.WithLabelValues(kind).Inc()
	// The ack is the broadcast as the changer reads it: only Me differs.
	out := views[0]
	out.Reactions = slices.Clone(out.Reactions)
	for i, r := range m.Reactions {
		out.Reactions[i].Me = isMine(r, viewerID)
	}
	return out, nil
}
