package server

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/zishang520/socket.io/adapters/redis/v3"
	"github.com/zishang520/socket.io/adapters/redis/v3/adapter"
	"github.com/zishang520/socket.io/servers/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/parleytest/redistest"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
)

// BenchmarkEmitMessage is the cost of handing one message event to the
// Socket.IO server (encoding and, with Redis, publishing), without sockets
// to write to: the part of a broadcast that does not grow with the room.
func BenchmarkEmitMessage(b *testing.B) {
	sender := protocol.User{ID: "u1", Username: "alice", DisplayName: "Alice", Kind: parley.KindHuman}
	msg := protocol.MessageOf(parley.Message{
		ID: "01a2354f0ea96b410c7ed35a6fa161ff", RoomID: "general", Seq: 1234,
		Text: "a message of ordinary length, with a mention of @bob in it", Mentions: []string{"bob"},
		ClientMsgID: "c-1", CreatedAt: time.Now(),
	}, sender)
	run := func(b *testing.B, o SocketOptions) {
		io := NewSocketServer(o)
		defer io.Close(nil)
		e := NewEmitter(io, nil)
		target := rooms.Target{Rooms: []string{"general"}}
		b.ReportAllocs()
		for b.Loop() {
			e.Emit(target, protocol.EventMessage, msg)
		}
	}
	b.Run("local", func(b *testing.B) { run(b, SocketOptions{}) })
	b.Run("redis", func(b *testing.B) {
		rdb := redistest.Client(b)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		opts := &adapter.RedisAdapterOptions{}
		opts.SetKey("parley-bench-" + parley.NewID())
		run(b, SocketOptions{Adapter: &adapter.RedisAdapterBuilder{Redis: redis.NewRedisClient(ctx, rdb), Opts: opts}})
	})
}

// BenchmarkEmitCountedRoom is a message broadcast to a room of n members of
// this node, with the delivered-messages count: what the hub pays per
// message besides the writes themselves. The members are bare ids in the
// adapter's rooms (no connections), so nothing is written.
func BenchmarkEmitCountedRoom(b *testing.B) {
	sender := protocol.User{ID: "u1", Username: "alice", DisplayName: "Alice", Kind: parley.KindHuman}
	msg := protocol.MessageOf(parley.Message{ID: "m1", RoomID: "r1", Seq: 1, Text: "hello", CreatedAt: time.Now()}, sender)
	for _, n := range []int{100, 1000} {
		b.Run("members="+strconv.Itoa(n), func(b *testing.B) {
			io := NewSocketServer(SocketOptions{})
			defer io.Close(nil)
			adapter := io.Sockets().Adapter()
			for i := range n {
				adapter.AddAll(socket.SocketId("s"+strconv.Itoa(i)), types.NewSet(roomChannel("r1")))
			}
			e := NewEmitter(io, nil)
			target := rooms.Target{Rooms: []string{"r1"}}
			b.ReportAllocs()
			for b.Loop() {
				e.EmitCounted(target, protocol.EventMessage, msg)
			}
		})
	}
}
