package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/labstack/echo/v4"
	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/protocol"
)

// maxSkills bounds the skills one service socket may offer.
const maxSkills = 16

// SkillRegistry takes the skills service sockets offer: this node's
// (*assistant.Remotes) or a cluster's (*redisskills.Cluster).
type SkillRegistry interface {
	// Register offers s, answered by service through ask, until unregister
	// is called. Errors: BAD_REQUEST (a name or alias shadows a built-in
	// command), CONFLICT (another service offers one of them).
	Register(s assistant.RemoteSkill, service parley.User, ask assistant.AskFunc) (unregister func(), err error)
}

var _ SkillRegistry = (*assistant.Remotes)(nil)

type serviceCredentials struct {
	AppID  string `json:"appId"`
	Secret string `json:"secret"`
}

// serviceToken trades a service's app id and secret for a short-lived
// token, with which it connects like a user and appears as kind service.
func (s *Server) serviceToken(c echo.Context) error {
	if err := s.checkAuthIP(c); err != nil {
		return err
	}
	var req serviceCredentials
	if err := decodeJSON(c.Request().Body, &req); err != nil {
		return err
	}
	if err := s.checkAccount(c.Request().Context(), "service", req.AppID); err != nil {
		return err
	}
	tok, exp, ttl, err := s.accounts.ServiceToken(c.Request().Context(), req.AppID, req.Secret)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"token": tok, "expires": exp.UnixMilli(), "ttl": int64(ttl.Seconds()),
	})
}

// registerSkill lets a service socket offer a skill until it disconnects.
// The assistant's requests reach it as `skill:request` events, answered
// through the event's ack.
func (s *Server) registerSkill(sock *socket.Socket, user parley.User, registered *atomic.Int32, req assistant.RemoteSkill) (map[string]any, error) {
	if s.cfg.Skills == nil {
		return nil, parley.Errorf(parley.CodeUnavailable, "this server has no assistant to offer skills to")
	}
	req.Name = strings.ToLower(strings.TrimSpace(req.Name))
	if !parley.IsUsername(req.Name) {
		return nil, parley.Errorf(parley.CodeBadRequest, "skill name must be 3-32 characters of a-z, 0-9, '_', '.' or '-'")
	}
	if len(req.Aliases) > maxSkills || len(req.Slots) > 4 {
		return nil, parley.Errorf(parley.CodeBadRequest, "too many aliases or slots")
	}
	if n := registered.Add(1); n > maxSkills {
		return nil, parley.Errorf(parley.CodeBadRequest, "a connection may offer at most %d skills", maxSkills)
	}
	unregister, err := s.cfg.Skills.Register(req, user, s.askOver(sock))
	if err != nil {
		registered.Add(-1)
		return nil, err
	}
	_ = sock.On("disconnect", func(...any) { unregister() })
	if !sock.Connected() { // it left before the handler was attached
		unregister()
	}
	s.log.InfoContext(socketContext(sock), "skill registered", "skill", req.Name, "service", user.Username)
	return map[string]any{"skill": req.Name}, nil
}

// askOver returns how the assistant asks sock: an event with an ack, bounded
// by the skill timeout and by the caller's context.
func (s *Server) askOver(sock *socket.Socket) assistant.AskFunc {
	return func(ctx context.Context, req protocol.SkillMessage) (protocol.SkillMessage, error) {
		type result struct {
			msg protocol.SkillMessage
			err error
		}
		done := make(chan result, 1)
		payload, err := toMap(req)
		if err != nil {
			return protocol.SkillMessage{}, err
		}
		err = sock.Timeout(s.cfg.SkillTimeout).Emit(protocol.EventSkillRequest, payload, socket.Ack(func(args []any, err error) {
			if err != nil || len(args) == 0 {
				done <- result{err: parley.Errorf(parley.CodeUnavailable, "the service did not answer in time")}
				return
			}
			var ans protocol.SkillMessage
			if derr := decodePayload(args[0], &ans); derr != nil {
				done <- result{err: derr}
				return
			}
			done <- result{msg: ans}
		}))
		if err != nil {
			return protocol.SkillMessage{}, err
		}
		select {
		case r := <-done:
			return r.msg, r.err
		case <-ctx.Done():
			return protocol.SkillMessage{}, parley.Wrap(parley.CodeUnavailable, ctx.Err(), "the service did not answer in time")
		}
	}
}

// toMap turns a struct into the map shape the Socket.IO encoder sends.
func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}
