package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
)

const (
	userKey   = "parley.user"
	claimsKey = "parley.claims"
)

type credentials struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	DisplayName string `json:"displayName"`
}

type session struct {
	Token string        `json:"token"`
	User  protocol.User `json:"user"`
}

func (s *Server) register(c echo.Context) error {
	if err := s.checkAuthIP(c); err != nil {
		return err
	}
	var req credentials
	if err := decodeJSON(c.Request().Body, &req); err != nil {
		return err
	}
	u, err := s.accounts.Register(c.Request().Context(), req.Username, req.Password, req.DisplayName)
	if err != nil {
		return err
	}
	s.log.InfoContext(c.Request().Context(), "user registered", "user", u.ID, "username", u.Username)
	return s.respondSession(c, http.StatusCreated, u)
}

func (s *Server) login(c echo.Context) error {
	if err := s.checkAuthIP(c); err != nil {
		return err
	}
	var req credentials
	if err := decodeJSON(c.Request().Body, &req); err != nil {
		return err
	}
	if err := s.checkAccount(c.Request().Context(), "user", req.Username); err != nil {
		return err
	}
	u, err := s.accounts.Login(c.Request().Context(), req.Username, req.Password)
	if err != nil {
		return err
	}
	return s.respondSession(c, http.StatusOK, u)
}

func (s *Server) respondSession(c echo.Context, status int, u *parley.User) error {
	tok, _, err := s.accounts.IssueToken(u.ID)
	if err != nil {
		return err
	}
	return c.JSON(status, session{Token: tok, User: protocol.SelfOf(*u)})
}

// authenticate resolves the bearer token to an account.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return parley.Errorf(parley.CodeUnauthorized, "an Authorization: Bearer token is required")
		}
		u, claims, err := s.userOfToken(c.Request().Context(), strings.TrimSpace(tok))
		if err != nil {
			return err
		}
		c.Set(userKey, *u)
		c.Set(claimsKey, claims)
		return next(c)
	}
}

func caller(c echo.Context) parley.User { return c.Get(userKey).(parley.User) }

// logout revokes the caller's token and ends this node's sockets of it at
// once; the other nodes end theirs within SessionCheck.
func (s *Server) logout(c echo.Context) error {
	r, err := s.accounts.Logout(c.Request().Context(), c.Get(claimsKey).(accounts.Claims))
	if err != nil {
		return err
	}
	s.endRevoked(r)
	return c.NoContent(http.StatusNoContent)
}

// logoutEverywhere revokes every token of the caller, this one included.
func (s *Server) logoutEverywhere(c echo.Context) error {
	r, err := s.accounts.LogoutEverywhere(c.Request().Context(), caller(c).ID)
	if err != nil {
		return err
	}
	s.log.InfoContext(c.Request().Context(), "user logged out everywhere", "user", r.UserID)
	s.endRevoked(r)
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) me(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"user": protocol.SelfOf(caller(c))})
}

func (s *Server) myRooms(c echo.Context) error {
	if err := s.hub.Allow(c.Request().Context(), caller(c).ID, rooms.ClassRead); err != nil {
		return err
	}
	rs, err := s.hub.RoomsOf(c.Request().Context(), caller(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"rooms": rs})
}

func (s *Server) publicRooms(c echo.Context) error {
	if err := s.hub.Allow(c.Request().Context(), caller(c).ID, rooms.ClassRead); err != nil {
		return err
	}
	rs, err := s.hub.PublicRooms(c.Request().Context(), caller(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"rooms": rs})
}

func (s *Server) createRoom(c echo.Context) error {
	var req struct {
		Name    string `json:"name"`
		Topic   string `json:"topic"`
		Private bool   `json:"private"`
	}
	if err := decodeJSON(c.Request().Body, &req); err != nil {
		return err
	}
	r, err := s.hub.CreateRoom(c.Request().Context(), caller(c), req.Name, req.Topic, req.Private)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"room": r})
}

func (s *Server) roomMessages(c echo.Context) error {
	if err := s.hub.Allow(c.Request().Context(), caller(c).ID, rooms.ClassRead); err != nil {
		return err
	}
	before, err := queryInt(c, "before")
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	page, err := s.hub.History(c.Request().Context(), caller(c), c.Param("id"), before, int(limit))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func queryInt(c echo.Context, name string) (int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, parley.Errorf(parley.CodeBadRequest, "%s must be an integer", name)
	}
	return n, nil
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := contextWithTimeout(c, 2*time.Second)
	defer cancel()
	if err := s.cfg.Ready(ctx); err != nil {
		s.log.WarnContext(c.Request().Context(), "not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, errorAnswer(c, errorBody{Code: parley.CodeUnavailable, Message: "not ready: " + parley.ErrorMessage(err)}))
	}
	return c.JSON(http.StatusOK, map[string]any{"ok": true})
}
