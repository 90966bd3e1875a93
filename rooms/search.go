package rooms

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/store"
)

// Bounds of a message search.
const (
	// MaxSearchQuery is the longest query text, in characters.
	MaxSearchQuery = 200
	// DefaultSearchResults is a page of results without a limit.
	DefaultSearchResults = 20
	// MaxSearchResults is the largest page of results.
	MaxSearchResults = 50
)

// SearchRequest is what a caller searches for: the text (terms separated
// by white space, each found as a case-insensitive substring), optionally
// one room, and a page (Before is the id of the last result of the
// previous page; Limit 0 means DefaultSearchResults).
type SearchRequest struct {
	Text   string
	Room   string
	Before string
	Limit  int
}

// Search finds messages of the rooms user is a member of now, newest
// first, each projected as history shows it (sender, quote, reactions with
// the caller's) beside its room. A room the caller names but is not a
// member of is NOT_FOUND, whether or not it exists, as for other room
// reads; a room the caller left or was removed from is no longer searched.
func (h *Hub) Search(ctx context.Context, user parley.User, req SearchRequest) (page protocol.SearchPage, err error) {
	defer func(start time.Time) { h.metrics.search.Observe(time.Since(start).Seconds()) }(time.Now())
	text := strings.TrimSpace(req.Text)
	switch {
	case text == "":
		return page, parley.Errorf(parley.CodeBadRequest, "q is required")
	case utf8.RuneCountInString(text) > MaxSearchQuery:
		return page, parley.Errorf(parley.CodeBadRequest, "q must be at most %d characters", MaxSearchQuery)
	}
	limit := req.Limit
	switch {
	case limit == 0:
		limit = DefaultSearchResults
	case limit < 1 || limit > MaxSearchResults:
		return page, parley.Errorf(parley.CodeBadRequest, "limit must be 1-%d", MaxSearchResults)
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()

	urs, err := h.store.Memberships.RoomsOf(ctx, user.ID)
	if err != nil {
		return page, err
	}
	rooms := make(map[string]parley.Room, len(urs))
	var roomIDs []string
	for _, ur := range urs {
		if req.Room != "" && ur.Room.ID != req.Room {
			continue
		}
		rooms[ur.Room.ID] = ur.Room
		roomIDs = append(roomIDs, ur.Room.ID)
	}
	if req.Room != "" && len(roomIDs) == 0 {
		return page, parley.Errorf(parley.CodeNotFound, "room not found")
	}

	msgs, more, err := h.store.Search.Search(ctx, store.SearchQuery{
		Text: text, RoomIDs: roomIDs, BeforeID: req.Before, Limit: limit,
	})
	if parley.CodeOf(err) == parley.CodeBadRequest && req.Before != "" {
		return page, parley.Errorf(parley.CodeBadRequest, "before must be the message id of a search result")
	}
	if err != nil {
		return page, err
	}
	views, err := h.viewAcross(ctx, user.ID, msgs)
	if err != nil {
		return page, err
	}
	page = protocol.SearchPage{Results: make([]protocol.SearchResult, len(msgs)), HasMore: more}
	for i, m := range msgs {
		page.Results[i] = protocol.SearchResult{Message: views[i], Room: protocol.RoomOf(rooms[m.RoomID])}
	}
	return page, nil
}

// viewAcross is view for messages of several rooms, in their order: view
// reads the quotes of one room at a time.
func (h *Hub) viewAcross(ctx context.Context, viewerID string, msgs []parley.Message) ([]protocol.Message, error) {
	byRoom := map[string][]int{}
	var order []string
	for i, m := range msgs {
		if _, ok := byRoom[m.RoomID]; !ok {
			order = append(order, m.RoomID)
		}
		byRoom[m.RoomID] = append(byRoom[m.RoomID], i)
	}
	out := make([]protocol.Message, len(msgs))
	for _, room := range order {
		idx := byRoom[room]
		group := make([]parley.Message, len(idx))
		for j, i := range idx {
			group[j] = msgs[i]
		}
		views, err := h.view(ctx, viewerID, group)
		if err != nil {
			return nil, err
		}
		for j, i := range idx {
			out[i] = views[j]
		}
	}
	return out, nil
}
