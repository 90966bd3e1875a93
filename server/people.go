package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/store"
)

// defaultSearch is how many people GET /api/users returns without ?limit.
const defaultSearch = 20

// searchUsers finds people to write to or invite by a username or display
// name prefix; it costs the caller a read, like a page of history.
func (s *Server) searchUsers(c echo.Context) error {
	if err := s.hub.Allow(c.Request().Context(), caller(c).ID, rooms.ClassRead); err != nil {
		return err
	}
	limit := defaultSearch
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxSearch {
			return parley.Errorf(parley.CodeBadRequest, "limit must be an integer 1-%d", store.MaxSearch)
		}
		limit = n
	}
	us, err := s.accounts.Search(c.Request().Context(), c.QueryParam("q"), limit)
	if err != nil {
		return err
	}
	out := make([]protocol.User, len(us))
	for i, u := range us {
		out[i] = protocol.UserOf(u)
	}
	return c.JSON(http.StatusOK, map[string]any{"users": out})
}

type profileEdit struct {
	DisplayName *string `json:"displayName"`
}

// updateMe changes the caller's display name; it costs a write.
func (s *Server) updateMe(c echo.Context) error {
	if err := s.hub.Allow(c.Request().Context(), caller(c).ID, rooms.ClassWrite); err != nil {
		return err
	}
	var req profileEdit
	if err := decodeJSON(c.Request().Body, &req); err != nil {
		return err
	}
	if req.DisplayName == nil {
		return parley.Errorf(parley.CodeBadRequest, "displayName is required")
	}
	u, err := s.accounts.SetDisplayName(c.Request().Context(), caller(c), *req.DisplayName)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"user": protocol.SelfOf(*u)})
}

type passwordChange struct {
	Current  string `json:"current"`
	Password string `json:"password"`
}

// changePassword replaces the caller's password and ends every other
// session of theirs: this node's sockets at once, the other nodes' within
// SessionCheck. Guessing the current password here spends the same
// budget as guessing it at login.
func (s *Server) changePassword(c echo.Context) error {
	ctx := c.Request().Context()
	if err := s.hub.Allow(ctx, caller(c).ID, rooms.ClassWrite); err != nil {
		return err
	}
	var req passwordChange
	if err := decodeJSON(c.Request().Body, &req); err != nil {
		return err
	}
	if err := s.checkAccount(ctx, "user", caller(c).Username); err != nil {
		return err
	}
	r, err := s.accounts.ChangePassword(ctx, c.Get(claimsKey).(accounts.Claims), req.Current, req.Password)
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "password changed; other sessions revoked", "user", r.UserID)
	s.endRevoked(r)
	return c.NoContent(http.StatusNoContent)
}
