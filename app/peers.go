package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/rooms"
	goredis "github.com/redis/go-redis/v9"
)

// redisPeers carries membership changes between the nodes of a cluster on
// a Redis channel of their own, beside the Socket.IO adapter's. Every node
// applies each change to its hub (the memberships it remembers) and to its
// sockets (their rooms), then confirms it to the node that made it, which
// waits for every confirmation before the change is acknowledged to its
// client: from then on no node delivers the room's events to a user who
// left, and every node delivers them to one who joined. PUBLISH answers how
// many subscribers received a notice; that many confirmations are awaited,
// this node's own among them.
type redisPeers struct {
	client  *goredis.Client
	channel string // the notices
	prefix  string // of each node's confirmation channel
	node    string // this node's id, naming its confirmation channel
	timeout time.Duration
	log     *slog.Logger

	mu      sync.Mutex
	waiting map[string]*confirmations // by notice id
	retry   retryQueue                // peerretry.go
}

var _ rooms.Peers = (*redisPeers)(nil)

// peerTimeout bounds one change's round through the cluster, retries of a
// failed PUBLISH included. A node that lost Redis is not counted by
// PUBLISH, so only a node too slow to confirm (or Redis down) reaches it.
const peerTimeout = 2 * time.Second

const (
	noticeEnded   = "ended"
	noticeStarted = "started"
)

type membershipNotice struct {
	Kind string `json:"kind"` // noticeEnded or noticeStarted
	Room string `json:"room"`
	User string `json:"user"`
	ID   string `json:"id"`   // what the confirmation carries
	From string `json:"from"` // the node awaiting confirmations
}

// confirmations counts the confirmations of one notice.
type confirmations struct {
	got    atomic.Int64
	self   atomic.Bool   // this node's own subscription received it
	signal chan struct{} // capacity 1: "got moved"
}

func newRedisPeers(client *goredis.Client, prefix string, reg *monitoring.Registry, log *slog.Logger) *redisPeers {
	p := &redisPeers{
		client:  client,
		channel: prefix + "#parley#membership",
		prefix:  prefix + "#parley#membership-confirm#",
		node:    parley.NewID(),
		timeout: peerTimeout,
		log:     log,
		waiting: map[string]*confirmations{},
		retry:   retryQueue{pending: map[retryKey]retryEntry{}},
	}
	reg.GaugeFunc("membership_changes_pending", "Membership changes this node made that not every node confirmed yet; retried every second.", p.retry.size)
	return p
}

func (p *redisPeers) MembershipEnded(ctx context.Context, roomID, userID string) error {
	return p.tell(ctx, noticeEnded, roomID, userID)
}

func (p *redisPeers) MembershipStarted(ctx context.Context, roomID, userID string) error {
	return p.tell(ctx, noticeStarted, roomID, userID)
}

// tell sends a change and, when not every node confirmed it, queues it for
// the background retry (newer changes of the same membership replace it).
func (p *redisPeers) tell(ctx context.Context, kind, roomID, userID string) error {
	seq := p.retry.next()
	// The caller reports an error (the transport logs what it answers).
	err := p.send(ctx, kind, roomID, userID)
	p.retry.settle(retryKey{roomID, userID}, retryEntry{kind: kind, seq: seq}, err, p.log)
	return err
}

// send publishes one notice and waits for every receiver's confirmation.
func (p *redisPeers) send(ctx context.Context, kind, roomID, userID string) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	id := parley.NewID()
	c := &confirmations{signal: make(chan struct{}, 1)}
	p.mu.Lock()
	p.waiting[id] = c
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.waiting, id)
		p.mu.Unlock()
	}()
	body, _ := json.Marshal(membershipNotice{Kind: kind, Room: roomID, User: userID, ID: id, From: p.node})
	receivers, err := p.publish(ctx, body)
	if err != nil {
		return fmt.Errorf("publish membership notice: %w", err)
	}
	for c.got.Load() < receivers {
		select {
		case <-c.signal:
		case <-ctx.Done():
			return fmt.Errorf("%d of %d nodes confirmed the membership notice: %w", c.got.Load(), receivers, ctx.Err())
		}
	}
	// This node always listens; when its subscription missed the notice,
	// the bus is being re-established (Redis restarted, say), and other
	// nodes may have missed it too without PUBLISH counting them. Sent
	// again later, it reaches them once they are back.
	if !c.self.Load() {
		return errors.New("this node's own subscription did not receive the membership notice (reconnecting to Redis?)")
	}
	return nil
}

// publish retries a failed PUBLISH until ctx ends: a connection Redis
// dropped fails the first command sent on it.
func (p *redisPeers) publish(ctx context.Context, body []byte) (int64, error) {
	pause := 20 * time.Millisecond
	for {
		n, err := p.client.Publish(ctx, p.channel, body).Result()
		if err == nil {
			return n, nil
		}
		select {
		case <-ctx.Done():
			return 0, err
		case <-time.After(pause):
		}
		pause = min(2*pause, 500*time.Millisecond)
	}
}

// confirmed counts one confirmation of notice id (one not awaited any
// more is dropped); self says it is this node's own.
func (p *redisPeers) confirmed(id string, self bool) {
	p.mu.Lock()
	c := p.waiting[id]
	p.mu.Unlock()
	if c == nil {
		return
	}
	if self {
		c.self.Store(true)
	}
	c.got.Add(1)
	select {
	case c.signal <- struct{}{}:
	default:
	}
}

// listen applies the other nodes' notices to hub, and counts the
// confirmations of this node's, until ctx ends. go-redis resubscribes by
// itself after a lost connection; notices sent meanwhile are lost, so every
// (re)subscription forgets every membership remembered.
func (p *redisPeers) listen(ctx context.Context, hub *rooms.Hub) {
	go p.retry.run(ctx, p)
	mine := p.prefix + p.node
	sub := p.client.Subscribe(ctx, p.channel, mine)
	defer sub.Close()
	ch := sub.ChannelWithSubscriptions()
	for {
		select {
		case <-ctx.Done():
			return
		case msg, ok := <-ch:
			if !ok {
				return
			}
			switch v := msg.(type) {
			case *goredis.Subscription:
				if v.Kind == "subscribe" && v.Channel == p.channel {
					hub.ForgetMemberships()
				}
			case *goredis.Message:
				if v.Channel == mine {
					p.confirmed(v.Payload, false)
					continue
				}
				p.apply(ctx, hub, v.Payload)
			}
		}
	}
}

// apply carries out another node's notice and confirms it. This node's own
// notices were applied before they were sent: they only count.
func (p *redisPeers) apply(ctx context.Context, hub *rooms.Hub, payload string) {
	var n membershipNotice
	if err := json.Unmarshal([]byte(payload), &n); err != nil || n.Room == "" || n.User == "" || n.ID == "" || n.From == "" {
		p.log.Warn("ignoring a malformed membership notice", "payload", payload)
		return
	}
	if n.From == p.node {
		p.confirmed(n.ID, true)
		return
	}
	switch n.Kind {
	case noticeEnded:
		hub.MembershipEndedElsewhere(n.Room, n.User)
	case noticeStarted:
		hub.MembershipStartedElsewhere(n.Room, n.User)
	default:
		p.log.Warn("ignoring a membership notice of an unknown kind", "payload", payload)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	if err := p.client.Publish(ctx, p.prefix+n.From, n.ID).Err(); err != nil {
		p.log.Warn("membership notice applied but not confirmed", "room", n.Room, "user", n.User, "err", err)
	}
}
