package store

import (
	"fmt"
	"slices"

	"github.com/parley-chat/parley"
)

// React returns rs with userID's emoji added (add true) or removed, and
// whether that changed anything. rs is not modified. A reaction whose last
// user leaves is dropped; a new emoji goes last. Adding a new emoji to a
// message that has parley.MaxReactionKinds of them is ErrInvalid. Every
// backend applies reactions through this, so they agree on the order.
func React(rs []parley.Reaction, userID, emoji string, add bool) ([]parley.Reaction, bool, error) {
	i := slices.IndexFunc(rs, func(r parley.Reaction) bool { return r.Emoji == emoji })
	out := make([]parley.Reaction, 0, len(rs)+1)
	for _, r := range rs {
		out = append(out, parley.Reaction{Emoji: r.Emoji, UserIDs: slices.Clone(r.UserIDs)})
	}
	switch {
	case add && i < 0:
		if len(rs) >= parley.MaxReactionKinds {
			return nil, false, fmt.Errorf("a message takes at most %d different reactions: %w", parley.MaxReactionKinds, ErrInvalid)
		}
		return append(out, parley.Reaction{Emoji: emoji, UserIDs: []string{userID}}), true, nil
	case add:
		if slices.Contains(out[i].UserIDs, userID) {
			return rs, false, nil
		}
		out[i].UserIDs = append(out[i].UserIDs, userID)
		return out, true, nil
	case i < 0 || !slices.Contains(out[i].UserIDs, userID):
		return rs, false, nil
	}
	out[i].UserIDs = slices.DeleteFunc(out[i].UserIDs, func(u string) bool { return u == userID })
	if len(out[i].UserIDs) == 0 {
		out = slices.Delete(out, i, i+1)
	}
	return out, true, nil
}
