package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/rooms"
)

// searchMessages answers GET /api/search?q=&room=&before=&limit= with the
// caller's messages that contain every term of q; it costs a read.
func (s *Server) searchMessages(c echo.Context) error {
	ctx := c.Request().Context()
	if err := s.hub.Allow(ctx, caller(c).ID, rooms.ClassRead); err != nil {
		return err
	}
	req := rooms.SearchRequest{Text: c.QueryParam("q"), Room: c.QueryParam("room"), Before: c.QueryParam("before")}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > rooms.MaxSearchResults {
			return parley.Errorf(parley.CodeBadRequest, "limit must be an integer 1-%d", rooms.MaxSearchResults)
		}
		req.Limit = n
	}
	page, err := s.hub.Search(ctx, caller(c), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}
