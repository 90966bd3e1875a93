// Package rooms is Parley's hub: it owns room membership, the map of each
// user's connections, presence and typing, and the message pipeline
// (validate -> filter -> persist -> ack -> fan-out). It knows nothing of HTTP,
// Socket.IO or a database driver: it talks to a store.Store and an Emitter.
package rooms

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/groupcommit"
)

// Target selects the sockets an event goes to: every socket in any of Rooms
// or of Users (each socket once), except the sockets of ExceptUser.
type Target struct {
	Rooms      []string
	Users      []string
	ExceptUser string
}

// Emitter delivers events to sockets on every node. Implementations must not
// block on a slow client.
type Emitter interface {
	// Emit sends event to target.
	Emit(t Target, event string, payload any)
	// EmitCounted is Emit that also returns how many local sockets the event
	// was written to, for the delivered-messages metric; counting costs a
	// walk of the room, so only messages pay for it.
	EmitCounted(t Target, event string, payload any) int
	// JoinRoom subscribes this node's sockets of userID to roomID's events
	// before it returns. Other nodes' sockets are Peers' business: a
	// subscription that waited for a round trip through the cluster's bus
	// would let events slip past it, or reach a socket after its user left.
	JoinRoom(userID, roomID string)
	// LeaveRoom unsubscribes this node's sockets of userID from roomID's
	// events before it returns.
	LeaveRoom(userID, roomID string)
}

// Peers carries this node's membership changes to the other nodes of a
// cluster. Each node remembers memberships it has read and subscribes its
// own sockets to their rooms, so each must apply every change. A change is
// acknowledged to its client only after Peers returned, so that from then
// on no node delivers a room's events to a user who left it, and every node
// delivers them to one who joined.
type Peers interface {
	// MembershipEnded tells every node that userID is no longer a member of
	// roomID; each calls Hub.MembershipEndedElsewhere. It returns once every
	// node listening confirmed it. An error means that could not be had
	// within the implementation's bound (Redis down, a node too slow): the
	// change may not have reached every node yet, and the implementation
	// keeps retrying it.
	MembershipEnded(ctx context.Context, roomID, userID string) error
	// MembershipStarted tells every node that userID is now a member of
	// roomID, or that their role in it changed; each calls
	// Hub.MembershipStartedElsewhere. Errors as for MembershipEnded.
	MembershipStarted(ctx context.Context, roomID, userID string) error
}

// The send limit a zero Config.SendRate or SendBurst takes.
const (
	DefaultSendRate  = 10
	DefaultSendBurst = 20
)

// Config configures a Hub. Zero values take the defaults noted.
type Config struct {
	Store   *store.Store
	Emitter Emitter
	// Peers, when set, tells the other nodes of memberships this one ended
	// (nil for a single node).
	Peers Peers
	// Filter masks sensitive words (default: the shipped list).
	Filter *Filter
	// MaxTextLength bounds a message in characters after trimming (4000).
	MaxTextLength int
	// SyncMaxMessages bounds the messages of one sync answer across all
	// rooms (DefaultSyncMaxMessages); each room still answers at most
	// MaxPageSize.
	SyncMaxMessages int
	// MaxAnswerBytes bounds the encoded size of the messages in one sync
	// or history answer (DefaultMaxAnswerBytes); an answer carries at
	// least one message whatever its size.
	MaxAnswerBytes int
	// SendRate and SendBurst are each user's message:send token bucket (10/s, 20).
	SendRate  float64
	SendBurst int
	// Presence decides who is online across the nodes that share it
	// (default: a MemoryPresence, this node alone).
	Presence Presence
	// Limiter, when set, enforces the send limit instead of a Limiter of
	// SendRate and SendBurst on this node alone: a cluster's nodes share
	// one, or each user could send as much through each node.
	Limiter RateLimiter
	// Limits are the per-user budgets of the other client actions (limits.go);
	// a class left out, or with a zero rate or nil limiter, takes its
	// DefaultRate on this node alone.
	Limits map[Class]Limit
	// TypingRepeat is how long a typing state a user told a room is not
	// broadcast again (2s).
	TypingRepeat time.Duration
	// PresenceGrace is how long a user without sockets still counts as
	// online, so a page reload does not flap (3s).
	PresenceGrace time.Duration
	// StoreTimeout bounds each store call made for a client (5s).
	StoreTimeout time.Duration
	// GroupCommit tunes batching of appends.
	GroupCommit groupcommit.Config
	// Files projects the attachments of messages with their signed URLs
	// (default: without URLs).
	Files   FileSigner
	Now     func() time.Time
	NewID   func() string
	Logger  *slog.Logger
	Metrics *monitoring.Registry
}

// Hub is the heart of a Parley node.
type Hub struct {
	cfg       Config
	store     *store.Store
	emit      Emitter
	committer *groupcommit.Committer
	limiter   RateLimiter
	limits    map[Class]Limit
	typing    *typingRepeats
	log       *slog.Logger
	metrics   *metrics
	users     *userCache
	members   *memberCache
	conns     *connections
	files     FileSigner

	mu        sync.Mutex
	observers []func(Posted)
	residents []parley.User
	closeOnce sync.Once
}

// New builds a hub and starts its group committer.
func New(cfg Config) *Hub {
	if cfg.Filter == nil {
		cfg.Filter = DefaultFilter()
	}
	if cfg.MaxTextLength <= 0 {
		cfg.MaxTextLength = 4000
	}
	if cfg.SyncMaxMessages <= 0 {
		cfg.SyncMaxMessages = DefaultSyncMaxMessages
	}
	if cfg.MaxAnswerBytes <= 0 {
		cfg.MaxAnswerBytes = DefaultMaxAnswerBytes
	}
	if cfg.SendRate <= 0 {
		cfg.SendRate = DefaultSendRate
	}
	if cfg.SendBurst <= 0 {
		cfg.SendBurst = DefaultSendBurst
	}
	if cfg.Presence == nil {
		cfg.Presence = NewMemoryPresence()
	}
	if cfg.PresenceGrace <= 0 {
		cfg.PresenceGrace = 3 * time.Second
	}
	if cfg.StoreTimeout <= 0 {
		cfg.StoreTimeout = 5 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = parley.NewID
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Limiter == nil {
		cfg.Limiter = NewLimiter(cfg.SendRate, cfg.SendBurst, cfg.Now)
	}
	if cfg.Files == nil {
		cfg.Files = unsignedFiles{}
	}
	if cfg.TypingRepeat <= 0 {
		cfg.TypingRepeat = defaultTypingRepeat
	}
	limits := map[Class]Limit{}
	for _, c := range classes() {
		limits[c] = cfg.Limits[c].OrDefault(DefaultRate(c), cfg.Now)
	}
	h := &Hub{
		cfg:     cfg,
		store:   cfg.Store,
		emit:    cfg.Emitter,
		limiter: cfg.Limiter,
		limits:  limits,
		typing:  newTypingRepeats(cfg.TypingRepeat),
		log:     cfg.Logger,
		users:   newUserCache(cfg.Store.Users),
		members: newMemberCache(cfg.Now),
		files:   cfg.Files,
	}
	h.metrics = newMetrics(monitoring.OrNew(cfg.Metrics), cfg.Now)
	gc := cfg.GroupCommit
	if gc.Metrics == nil {
		gc.Metrics = cfg.Metrics
	}
	h.committer = groupcommit.New(cfg.Store.Messages, gc)
	h.conns = newConnections(h, cfg.Presence)
	monitoring.OrNew(cfg.Metrics).GaugeFunc("users_online", "Users with a socket on this node, or whose last one closed here within the presence grace (this node's view: a user on two nodes counts on both).", h.conns.users)
	return h
}

// OnMessage registers fn to see every newly stored message (not duplicates)
// and every edit that mentions someone new (Posted.Edited),
// after it was fanned out. fn must not block: the assistant hands work off.
// A message whose sender gave up while it was committing is published from
// the group committer's goroutine, so fn may run there too.
func (h *Hub) OnMessage(fn func(Posted)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.observers = append(h.observers, fn)
}

// Close commits the appends already accepted, stops presence timers and
// withdraws this node from the Presence. It does not close the store or
// the Presence's connection, which the caller owns. Safe to call twice.
func (h *Hub) Close() {
	h.closeOnce.Do(func() {
		h.committer.Close()
		h.conns.close()
	})
}

// ctx bounds a store call made for a client.
func (h *Hub) ctx(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, h.cfg.StoreTimeout)
}

func (h *Hub) now() time.Time { return parley.Millis(h.cfg.Now()) }

// roomTarget addresses every socket in a Parley room.
func roomTarget(roomID string) Target { return Target{Rooms: []string{roomID}} }
