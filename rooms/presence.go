package rooms

import (
	"context"
	"sync"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// presence tracks this node's sockets per user. A user is online from their
// first socket until their last one has been gone for the grace period.
type presence struct {
	h *Hub

	mu      sync.Mutex
	conns   map[string]map[string]struct{} // userID -> connection ids
	pending map[string]*time.Timer         // userID -> offline announcement
	closed  bool
}

func newPresence(h *Hub) *presence {
	return &presence{h: h, conns: map[string]map[string]struct{}{}, pending: map[string]*time.Timer{}}
}

// users counts the users online on this node: with a socket, or within
// the grace period after their last one.
func (p *presence) users() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.conns)
	for id := range p.pending {
		if _, ok := p.conns[id]; !ok {
			n++
		}
	}
	return float64(n)
}

// Connected records a new socket of user; roomIDs are the user's rooms, to
// which an online announcement goes when this is their first socket.
func (h *Hub) Connected(user parley.User, connID string, roomIDs []string) {
	h.users.put(user)
	p := h.presence
	p.mu.Lock()
	set, had := p.conns[user.ID]
	if _, dup := set[connID]; dup {
		p.mu.Unlock()
		return // told twice: one socket, counted once
	}
	h.metrics.connections.Inc()
	if !had {
		set = map[string]struct{}{}
		p.conns[user.ID] = set
	}
	set[connID] = struct{}{}
	timer, wasPending := p.pending[user.ID]
	if wasPending {
		timer.Stop()
		delete(p.pending, user.ID)
	}
	// A reconnect within the grace period was never announced as offline,
	// so it is not announced as online again. Announcements are emitted
	// under the lock (Emit never blocks) so online and offline cannot
	// overtake each other.
	if !had && !wasPending && len(roomIDs) > 0 {
		h.emit.Emit(Target{Rooms: roomIDs, ExceptUser: user.ID}, protocol.EventPresence, protocol.PresenceEvent{User: protocol.UserOf(user), Online: true})
	}
	p.mu.Unlock()
}

// Disconnected forgets a socket; when it was the user's last one the user
// goes offline after the grace period unless they come back.
func (h *Hub) Disconnected(user parley.User, connID string) {
	p := h.presence
	p.mu.Lock()
	defer p.mu.Unlock()
	set := p.conns[user.ID]
	if _, ok := set[connID]; !ok {
		return // never connected, or already gone: nothing to count out
	}
	h.metrics.connections.Dec()
	delete(set, connID)
	if len(set) > 0 {
		return
	}
	delete(p.conns, user.ID)
	if p.closed {
		return
	}
	if t, ok := p.pending[user.ID]; ok {
		t.Stop()
	}
	p.pending[user.ID] = time.AfterFunc(h.cfg.PresenceGrace, func() { p.announceOffline(user) })
}

// Online reports whether user has a socket on this node (or left within
// the grace period).
func (h *Hub) Online(userID string) bool {
	p := h.presence
	p.mu.Lock()
	defer p.mu.Unlock()
	_, connected := p.conns[userID]
	_, leaving := p.pending[userID]
	return connected || leaving
}

func (p *presence) announceOffline(user parley.User) {
	p.mu.Lock()
	if _, back := p.conns[user.ID]; back || p.closed {
		p.mu.Unlock()
		return
	}
	delete(p.pending, user.ID)
	p.mu.Unlock()

	ctx, cancel := p.h.ctx(context.Background())
	defer cancel()
	ids, err := p.h.RoomIDsOf(ctx, user.ID)
	if err != nil {
		p.h.log.Warn("presence: list rooms", "user", user.ID, "err", err)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, back := p.conns[user.ID]; back || p.closed || len(ids) == 0 {
		return // came back while the rooms were looked up: still online
	}
	p.h.emit.Emit(Target{Rooms: ids, ExceptUser: user.ID}, protocol.EventPresence, protocol.PresenceEvent{User: protocol.UserOf(user), Online: false})
}

func (p *presence) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for id, t := range p.pending {
		t.Stop()
		delete(p.pending, id)
	}
}

// RoomIDsOf lists the ids of the rooms userID belongs to: the rooms a new
// socket subscribes to and presence is announced in.
func (h *Hub) RoomIDsOf(ctx context.Context, userID string) ([]string, error) {
	rooms, err := h.store.Memberships.RoomsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(rooms))
	for i, r := range rooms {
		ids[i] = r.Room.ID
	}
	return ids, nil
}
