package rooms

import (
	"context"
	"slices"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// view projects stored messages of one room onto the wire as viewerID reads
// them: senders, the quotes of replies, the reactions with their first
// usernames and the attached files, resolved in one batch each. An empty viewerID is the whole
// room (a broadcast): no reaction is marked as the reader's.
func (h *Hub) view(ctx context.Context, viewerID string, msgs []parley.Message) ([]protocol.Message, error) {
	ids := make([]string, 0, len(msgs))
	var quotedIDs []string
	for _, m := range msgs {
		ids = append(ids, m.SenderID)
		if m.ReplyTo != "" {
			quotedIDs = append(quotedIDs, m.ReplyTo)
		}
		for _, r := range m.Reactions {
			ids = append(ids, r.UserIDs[:min(len(r.UserIDs), protocol.MaxReactionUsers)]...)
		}
	}
	quoted := map[string]parley.Message{}
	if len(quotedIDs) > 0 {
		found, err := h.store.Threads.ByIDs(ctx, msgs[0].RoomID, quotedIDs)
		if err != nil {
			return nil, err
		}
		for _, q := range found {
			quoted[q.ID] = q
			ids = append(ids, q.SenderID)
		}
	}
	users, err := h.users.resolve(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]protocol.Message, len(msgs))
	for i, m := range msgs {
		out[i] = protocol.MessageOf(m, users[m.SenderID])
		if q, ok := quoted[m.ReplyTo]; ok {
			out[i].ReplyTo = protocol.QuoteOf(q, users[q.SenderID])
		}
		out[i].Reactions = reactionsView(m.Reactions, users, viewerID)
	}
	if err := h.attach(ctx, msgs, out); err != nil {
		return nil, err
	}
	return out, nil
}

// viewOne is view for a single message.
func (h *Hub) viewOne(ctx context.Context, viewerID string, m parley.Message) (protocol.Message, error) {
	v, err := h.view(ctx, viewerID, []parley.Message{m})
	if err != nil {
		return protocol.Message{}, err
	}
	return v[0], nil
}

func reactionsView(rs []parley.Reaction, users map[string]protocol.User, viewerID string) []protocol.Reaction {
	out := make([]protocol.Reaction, len(rs))
	for i, r := range rs {
		first := r.UserIDs[:min(len(r.UserIDs), protocol.MaxReactionUsers)]
		names := make([]string, len(first))
		for j, id := range first {
			names[j] = users[id].Username
		}
		out[i] = protocol.Reaction{Emoji: r.Emoji, Count: len(r.UserIDs), Users: names, Me: isMine(r, viewerID)}
	}
	return out
}

// isMine reports whether viewerID put r there; nobody's ("") never.
func isMine(r parley.Reaction, viewerID string) bool {
	return viewerID != "" && slices.Contains(r.UserIDs, viewerID)
}
