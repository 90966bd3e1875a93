package server

import (
	"context"
	"sync"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/parley-chat/parley/accounts"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/store"
)

// revocationOverlap is how far back each poll of the revocations reaches
// before the previous one: a revocation stamped by a node whose clock is a
// little behind, or committed a little late, is still seen. Seeing one
// twice is harmless.
const revocationOverlap = 30 * time.Second

// purgeEvery is how often a node deletes the revocations whose tokens have
// expired anyway (MongoDB's TTL index also does).
const purgeEvery = 10 * time.Minute

// liveSession is one connected socket and what its token says.
type liveSession struct {
	sock   *socket.Socket
	claims accounts.Claims
}

// sessions are this node's connected sockets by user, so that the node can
// end those whose token expired or was revoked.
type sessions struct {
	mu     sync.Mutex
	byUser map[string]map[socket.SocketId]liveSession
}

func newSessions() *sessions {
	return &sessions{byUser: map[string]map[socket.SocketId]liveSession{}}
}

func (ss *sessions) add(sock *socket.Socket, c accounts.Claims) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	m := ss.byUser[c.UserID]
	if m == nil {
		m = map[socket.SocketId]liveSession{}
		ss.byUser[c.UserID] = m
	}
	m[sock.Id()] = liveSession{sock: sock, claims: c}
}

// remove forgets a socket and reports whether it was there.
func (ss *sessions) remove(userID string, id socket.SocketId) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	_, ok := ss.byUser[userID][id]
	delete(ss.byUser[userID], id)
	if len(ss.byUser[userID]) == 0 {
		delete(ss.byUser, userID)
	}
	return ok
}

// revokedBy returns the sockets whose token r revokes.
func (ss *sessions) revokedBy(r store.Revocation) []liveSession {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	var out []liveSession
	for _, s := range ss.byUser[r.UserID] {
		if s.claims.RevokedBy(r) {
			out = append(out, s)
		}
	}
	return out
}

// expired returns the sockets whose token has expired at now.
func (ss *sessions) expired(now time.Time) []liveSession {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	var out []liveSession
	for _, m := range ss.byUser {
		for _, s := range m {
			if !now.Before(s.claims.Expires) {
				out = append(out, s)
			}
		}
	}
	return out
}

// endSession tells the client why, then disconnects the socket. The event
// and the namespace's DISCONNECT leave in that order on the same
// connection; the client then sees "io server disconnect", after which the
// official client does not reconnect on its own, and closes the
// connection once it has no other socket on it.
func (s *Server) endSession(ls liveSession, reason string) {
	if !s.sessions.remove(ls.claims.UserID, ls.sock.Id()) {
		return // ended already (a logout here and the poll both found it), or gone
	}
	s.sockets.sessionsEnded.WithLabelValues(reason).Inc()
	s.log.InfoContext(socketContext(ls.sock), "session ended", "user", ls.claims.UserID, "reason", reason)
	_ = ls.sock.Emit(protocol.EventSessionEnded, map[string]any{"reason": reason})
	ls.sock.Disconnect(false)
}

// endRevoked ends this node's sockets whose token r revokes.
func (s *Server) endRevoked(r store.Revocation) {
	for _, ls := range s.sessions.revokedBy(r) {
		s.endSession(ls, protocol.SessionRevoked)
	}
}

// watchSessions ends the sockets of expired or revoked tokens every
// SessionCheck until ctx ends. Revocations are polled from the store, so
// a logout on any node (or a service revoked from the command line)
// reaches the sockets of every node, with or without Redis.
func (s *Server) watchSessions(ctx context.Context) {
	t := time.NewTicker(s.cfg.SessionCheck)
	defer t.Stop()
	since := s.cfg.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			since = s.checkSessions(ctx, since)
		}
	}
}

// checkSessions ends the sockets whose token expired by now or was revoked
// since the previous check (less the overlap) and returns the time to poll
// from next.
func (s *Server) checkSessions(ctx context.Context, since time.Time) time.Time {
	now := s.cfg.Now()
	for _, ls := range s.sessions.expired(now) {
		s.endSession(ls, protocol.SessionExpired)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	revs, err := s.accounts.RevokedSince(ctx, since.Add(-revocationOverlap))
	if err != nil {
		// Tried again next time from the same point: none is missed.
		s.log.Warn("poll revoked tokens", "err", err)
		return since
	}
	for _, r := range revs {
		s.endRevoked(r)
	}
	if now.Sub(s.purged) >= purgeEvery {
		s.purged = now
		if n, err := s.accounts.PurgeRevocations(ctx); err != nil {
			s.log.Warn("purge expired revocations", "err", err)
		} else if n > 0 {
			s.log.Debug("purged expired revocations", "count", n)
		}
	}
	return now
}
