package server

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/zishang520/socket.io/adapters/redis/v3"
	"github.com/zishang520/socket.io/adapters/redis/v3/adapter"
	"github.com/zishang520/socket.io/servers/socket/v3"
)

// JoinRoom and LeaveRoom change this node's sockets before they return,
// even through a Redis adapter whose Redis never answers: the adapter's own
// SocketsJoin/SocketsLeave would only publish a request, applied here when
// Redis sent it back, so a kicked user's socket would go on receiving the
// room. (Other nodes are the hub's Peers' business.)
func TestJoinAndLeaveApplyToLocalSocketsAtOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", MaxRetries: -1}) // nothing listens there
	defer rdb.Close()
	rc := redis.NewRedisClient(ctx, rdb)
	_ = rc.On("error", func(...any) { time.Sleep(50 * time.Millisecond) }) // the adapter retries at once
	opts := &adapter.RedisAdapterOptions{}
	opts.SetKey("parley-test-unreachable")
	io := NewSocketServer(SocketOptions{PingInterval: time.Hour, PingTimeout: time.Hour, Adapter: &adapter.RedisAdapterBuilder{Redis: rc, Opts: opts}})
	_ = io.On("connection", func(args ...any) {
		args[0].(*socket.Socket).Join(userChannel("carol"), roomChannel("planning"))
	})
	ts := httptest.NewServer(io.ServeHandler(nil))
	defer func() {
		io.Close(nil)
		ts.Close()
	}()
	p := dialRawPeer(t, strings.TrimPrefix(ts.URL, "http://"))
	defer p.conn.Close()

	members := func(room socket.Room) int {
		if ids, ok := io.Sockets().Adapter().Rooms().Load(room); ok {
			return ids.Len()
		}
		return 0
	}
	deadline := time.Now().Add(10 * time.Second)
	for members(roomChannel("planning")) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the socket did not join its rooms")
		}
		time.Sleep(time.Millisecond)
	}
	e := NewEmitter(io, nil)
	e.LeaveRoom("carol", "planning")
	if n := members(roomChannel("planning")); n != 0 {
		t.Errorf("after LeaveRoom returned, the room still has %d local sockets", n)
	}
	e.JoinRoom("carol", "lunch")
	if n := members(roomChannel("lunch")); n != 1 {
		t.Errorf("after JoinRoom returned, the room has %d local sockets, want carol's 1", n)
	}
	e.JoinRoom("dave", "lunch") // a user with no socket here changes nothing
	if n := members(roomChannel("lunch")); n != 1 {
		t.Errorf("a join of a user without sockets here made the room %d sockets", n)
	}
}
