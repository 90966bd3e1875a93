package rooms

import (
	"context"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// maxEmojiBytes bounds a reaction's emoji, a :shortcode: included.
const maxEmojiBytes = 32

var shortcode = regexp.MustCompile(`^:[a-z0-9_+-]+:$`)

// React adds (add true) or takes back the user's emoji on a message of a
// room they are in. A change reaches the room as message:updated; adding
// what is there already, or removing what is not, changes nothing and is
// still ok.
func (h *Hub) React(ctx context.Context, user parley.User, roomID, id, emoji string, add bool) (protocol.Message, error) {
	if err := checkMessageID(id); err != nil {
		return protocol.Message{}, err
	}
	if err := validEmoji(emoji); err != nil {
		return protocol.Message{}, err
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	m, err := h.member(ctx, user.ID, roomID)
	if err != nil {
		return protocol.Message{}, err
	}
	msg, changed, err := h.store.Edits.React(ctx, m.RoomID, id, user.ID, emoji, add)
	if parley.CodeOf(err) == parley.CodeBadRequest {
		// The only invalid reaction the checks above let through.
		return protocol.Message{}, parley.Errorf(parley.CodeBadRequest, "a message takes at most %d different reactions", parley.MaxReactionKinds)
	}
	if err != nil {
		return protocol.Message{}, notFoundAsMessage(err)
	}
	if !changed {
		return h.viewOne(ctx, user.ID, *msg)
	}
	return h.updated(ctx, user.ID, *msg, changeReaction)
}

// validEmoji accepts a :shortcode: of lower-case letters, digits, _, + and
// -, or one emoji: symbols with their joiners, variation selectors, skin
// tones, keycaps and tags, at most maxEmojiBytes. It does not check that
// the symbols form a single grapheme; the bound keeps a sequence short.
func validEmoji(e string) error {
	switch {
	case e == "":
		return parley.Errorf(parley.CodeBadRequest, "emoji is required")
	case len(e) > maxEmojiBytes || !utf8.ValidString(e):
		return parley.Errorf(parley.CodeBadRequest, "emoji must be one emoji or a :shortcode: of at most %d bytes", maxEmojiBytes)
	case strings.HasPrefix(e, ":"):
		if !shortcode.MatchString(e) {
			return parley.Errorf(parley.CodeBadRequest, "a :shortcode: takes lower-case letters, digits, _, + and -")
		}
		return nil
	}
	symbol := false
	for _, r := range e {
		switch {
		case unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) && r >= 0x1F3FB:
			symbol = true
		case r == 0x200D, r == 0x20E3, r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0020 && r <= 0xE007F,
			r >= 0x1F1E6 && r <= 0x1F1FF, r >= '0' && r <= '9', r == '#', r == '*':
		default:
			return parley.Errorf(parley.CodeBadRequest, "emoji must be one emoji or a :shortcode:")
		}
	}
	if !symbol && !isFlagOrKeycap(e) {
		return parley.Errorf(parley.CodeBadRequest, "emoji must be one emoji or a :shortcode:")
	}
	return nil
}

// isFlagOrKeycap covers the emoji made of no symbol at all: a pair of
// regional indicators, or a digit, # or * with the keycap mark.
func isFlagOrKeycap(e string) bool {
	return strings.ContainsRune(e, 0x20E3) || strings.ContainsFunc(e, func(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF })
}
