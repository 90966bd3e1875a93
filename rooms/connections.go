package rooms

import (
	"context"
	"sync"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// presenceTimeout bounds one call to the Presence: a socket's connect
// handler waits for it, so an unreachable Redis must not hold it long.
const presenceTimeout = 2 * time.Second

// presenceLogEvery spaces the warnings of a failing Presence: during an
// outage every connect and disconnect would log one.
const presenceLogEvery = 10 * time.Second

// connections tracks this node's sockets per user and asks the Presence
// when a user's first socket here comes or their last one goes. Calls for
// one user are serialized (locks) from the local count to the announcement,
// so this node's online and offline events about a user cannot overtake
// each other.
type connections struct {
	h       *Hub
	backend Presence
	locks   userLocks

	mu      sync.Mutex
	conns   map[string]map[string]struct{} // userID -> connection ids
	pending map[string]*grace              // userID -> grace period begun here
	closed  bool
	logged  time.Time
}

// grace is a grace period this node waits out for a user.
type grace struct {
	token string // "" when the Presence failed: this node alone decides
	timer *time.Timer
}

func newConnections(h *Hub, backend Presence) *connections {
	return &connections{h: h, backend: backend, conns: map[string]map[string]struct{}{}, pending: map[string]*grace{}}
}

// users counts the users online as this node sees them: with a socket
// here, or within a grace period begun here.
func (c *connections) users() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.conns)
	for id := range c.pending {
		if _, ok := c.conns[id]; !ok {
			n++
		}
	}
	return float64(n)
}

// Connected records a new socket of user; roomIDs are the user's rooms, to
// which an online announcement goes when the user was offline everywhere.
func (h *Hub) Connected(user parley.User, connID string, roomIDs []string) {
	h.users.put(user)
	c := h.conns
	defer c.locks.lock(user.ID)()
	c.mu.Lock()
	set, had := c.conns[user.ID]
	if _, dup := set[connID]; dup {
		c.mu.Unlock()
		return // told twice: one socket, counted once
	}
	h.metrics.connections.Inc()
	if !had {
		set = map[string]struct{}{}
		c.conns[user.ID] = set
	}
	set[connID] = struct{}{}
	g, wasPending := c.pending[user.ID]
	if wasPending {
		g.timer.Stop()
		delete(c.pending, user.ID)
	}
	closed := c.closed
	c.mu.Unlock()
	if had || closed {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), presenceTimeout)
	defer cancel()
	online, err := c.backend.Arrived(ctx, user.ID)
	if err != nil {
		c.failed(err)
		// As a node alone: a reconnect within the grace period begun here
		// was never announced offline, so it is not announced online.
		online = !wasPending
	}
	if online && len(roomIDs) > 0 {
		h.emit.Emit(Target{Rooms: roomIDs, ExceptUser: user.ID}, protocol.EventPresence, protocol.PresenceEvent{User: protocol.UserOf(user), Online: true})
	}
}

// Disconnected forgets a socket; when it was the user's last one anywhere
// the user goes offline after the grace period unless they come back.
func (h *Hub) Disconnected(user parley.User, connID string) {
	c := h.conns
	defer c.locks.lock(user.ID)()
	c.mu.Lock()
	set := c.conns[user.ID]
	if _, ok := set[connID]; !ok {
		c.mu.Unlock()
		return // never connected, or already gone: nothing to count out
	}
	h.metrics.connections.Dec()
	delete(set, connID)
	if len(set) > 0 {
		c.mu.Unlock()
		return
	}
	delete(c.conns, user.ID)
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return // the Presence was closed: it counts this node's users out itself
	}
	ctx, cancel := context.WithTimeout(context.Background(), presenceTimeout)
	defer cancel()
	token, err := c.backend.Left(ctx, user.ID, h.cfg.PresenceGrace)
	if err != nil {
		c.failed(err)
		token = ""
	} else if token == "" {
		return // a socket on another node keeps them online
	}
	g := &grace{token: token}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	g.timer = time.AfterFunc(h.cfg.PresenceGrace, func() { c.expire(user, g) })
	c.pending[user.ID] = g
}

// expire ends a grace period begun here and announces the user offline
// when the Presence says this node is the one to.
func (c *connections) expire(user parley.User, g *grace) {
	defer c.locks.lock(user.ID)()
	c.mu.Lock()
	if c.pending[user.ID] != g || c.closed {
		c.mu.Unlock()
		return // came back, or another grace period replaced this one
	}
	delete(c.pending, user.ID)
	c.mu.Unlock()

	ctx, cancel := c.h.ctx(context.Background())
	defer cancel()
	// The rooms are read first so that the announcement follows the
	// decision at once: a reconnect on another node just after it is
	// announced online there, and should reach observers after this.
	ids, roomsErr := c.h.RoomIDsOf(ctx, user.ID)
	offline := true // as a node alone: its grace has passed
	if g.token != "" {
		var err error
		if offline, err = c.backend.Expire(ctx, user.ID, g.token); err != nil {
			c.failed(err)
			offline = true
		}
	}
	if roomsErr != nil {
		// The user is offline all the same; only the rooms go untold.
		c.h.log.Warn("presence: list rooms", "user", user.ID, "err", roomsErr)
		return
	}
	if offline && len(ids) > 0 {
		c.h.emit.Emit(Target{Rooms: ids, ExceptUser: user.ID}, protocol.EventPresence, protocol.PresenceEvent{User: protocol.UserOf(user), Online: false})
	}
}

// PresenceChanged announces users whose presence the Presence itself saw
// change (rooms/redispresence: the users of a node that died going
// offline, or this node's users back online after Redis forgot them).
func (h *Hub) PresenceChanged(userIDs []string, online bool) {
	c := h.conns
	ctx, cancel := h.ctx(context.Background())
	users, err := h.users.resolve(ctx, userIDs)
	cancel()
	if err != nil {
		h.log.Warn("presence: look up users", "users", len(userIDs), "err", err)
		return
	}
	for _, id := range userIDs {
		func() {
			defer c.locks.lock(id)()
			c.mu.Lock()
			closed := c.closed
			c.mu.Unlock()
			if closed {
				return
			}
			ctx, cancel := h.ctx(context.Background())
			defer cancel()
			ids, err := h.RoomIDsOf(ctx, id)
			if err != nil {
				h.log.Warn("presence: list rooms", "user", id, "err", err)
				return
			}
			if len(ids) > 0 {
				h.emit.Emit(Target{Rooms: ids, ExceptUser: id}, protocol.EventPresence, protocol.PresenceEvent{User: users[id], Online: online})
			}
		}()
	}
}

// Online reports whether userID has a socket on some node (or left less
// than the grace period ago).
func (h *Hub) Online(userID string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), presenceTimeout)
	defer cancel()
	return h.conns.online(ctx, []string{userID})[0]
}

// online asks the Presence, and adds what this node sees itself: while
// the Presence is out of reach, or forgot this node's users (Redis lost
// them; they are registered again at the next heartbeat), a user with a
// socket here is online.
func (c *connections) online(ctx context.Context, userIDs []string) []bool {
	out, err := c.backend.Online(ctx, userIDs)
	if err != nil || len(out) != len(userIDs) {
		if err != nil {
			c.failed(err)
		}
		out = make([]bool, len(userIDs))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, id := range userIDs {
		if !out[i] {
			_, connected := c.conns[id]
			_, leaving := c.pending[id]
			out[i] = connected || leaving
		}
	}
	return out
}

// failed counts a decision this node took alone, and says so now and then.
func (c *connections) failed(err error) {
	c.h.metrics.presenceAlone.Inc()
	now := c.h.cfg.Now()
	c.mu.Lock()
	quiet := now.Sub(c.logged) < presenceLogEvery
	if !quiet {
		c.logged = now
	}
	c.mu.Unlock()
	if !quiet {
		c.h.log.Warn("presence unavailable: this node decides who is online from its own sockets until it answers", "err", err)
	}
}

// close stops the grace timers and withdraws this node from the Presence.
func (c *connections) close() {
	c.mu.Lock()
	c.closed = true
	for id, g := range c.pending {
		g.timer.Stop()
		delete(c.pending, id)
	}
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), presenceTimeout)
	defer cancel()
	if err := c.backend.Close(ctx, c.h.cfg.PresenceGrace); err != nil {
		c.h.log.Warn("presence: withdraw this node", "err", err)
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
