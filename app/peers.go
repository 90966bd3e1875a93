package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/parley-chat/parley/rooms"
	goredis "github.com/redis/go-redis/v9"
)

// redisPeers carries membership notices between the nodes of a cluster on
// their own Redis channel, beside the Socket.IO adapter's. Each node's hub
// remembers the memberships it has read; a leave or a kick on one node
// must make every other node forget it, or the user could go on posting
// through a socket there.
type redisPeers struct {
	client  *goredis.Client
	channel string
	log     *slog.Logger
}

var _ rooms.Peers = (*redisPeers)(nil)

// peerPublishTimeout bounds a notice: a leave or kick waits for it, so
// that when it answers the other nodes have been told (or Redis is down,
// and their memories expire on their own).
const peerPublishTimeout = time.Second

type membershipNotice struct {
	Room string `json:"room"`
	User string `json:"user"`
}

func newRedisPeers(client *goredis.Client, prefix string, log *slog.Logger) *redisPeers {
	return &redisPeers{client: client, channel: prefix + "#parley#membership-ended", log: log}
}

func (p *redisPeers) MembershipEnded(roomID, userID string) {
	body, _ := json.Marshal(membershipNotice{Room: roomID, User: userID})
	ctx, cancel := context.WithTimeout(context.Background(), peerPublishTimeout)
	defer cancel()
	if err := p.client.Publish(ctx, p.channel, body).Err(); err != nil {
		p.log.Warn("membership notice not sent: other nodes forget it within the cache's lifetime", "room", roomID, "user", userID, "err", err)
	}
}

// listen applies the other nodes' notices to hub until ctx ends. go-redis
// resubscribes by itself after a lost connection; notices sent meanwhile
// are lost, so every (re)subscription forgets everything remembered.
func (p *redisPeers) listen(ctx context.Context, hub *rooms.Hub) {
	sub := p.client.Subscribe(ctx, p.channel)
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
				if v.Kind == "subscribe" {
					hub.ForgetMemberships()
				}
			case *goredis.Message:
				var n membershipNotice
				if err := json.Unmarshal([]byte(v.Payload), &n); err != nil || n.Room == "" || n.User == "" {
					p.log.Warn("ignoring a malformed membership notice", "payload", v.Payload)
					continue
				}
				hub.ForgetMembership(n.Room, n.User)
			}
		}
	}
}
