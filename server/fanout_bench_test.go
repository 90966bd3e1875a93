package server

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
)

// BenchmarkFanout is one message broadcast to a room of 100 real WebSocket
// peers on loopback, through the Socket.IO server, until every peer has
// read it: the cost of a broadcast that grows with the room (per-socket
// packets, frames, queues and writes). The peers skip frames without
// allocating, so B/op and allocs/op are the server's.
//
// window is how many broadcasts may be on their way at once: 1 waits for
// each to arrive everywhere before the next (an idle room), 64 lets writes
// to one socket pile up behind each other (a busy one).
func BenchmarkFanout(b *testing.B) {
	for _, window := range []int{1, 64} {
		b.Run("peers=100/window="+strconv.Itoa(window), func(b *testing.B) {
			benchmarkFanout(b, 100, window)
		})
	}
}

func benchmarkFanout(b *testing.B, peers, window int) {
	io := NewSocketServer(SocketOptions{PingInterval: time.Hour, PingTimeout: time.Hour})
	room := roomChannel("bench")
	_ = io.On("connection", func(args ...any) { args[0].(*socket.Socket).Join(room) })
	ts := httptest.NewServer(io.ServeHandler(nil))
	b.Cleanup(func() {
		io.Close(nil)
		ts.Close()
	})
	addr := strings.TrimPrefix(ts.URL, "http://")
	got := newTally()
	for range peers {
		p := dialRawPeer(b, addr)
		b.Cleanup(func() { _ = p.conn.Close() })
		go p.count(got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ids, ok := io.Sockets().Adapter().Rooms().Load(room); ok && ids.Len() == peers {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("the peers did not all join the room")
		}
		time.Sleep(time.Millisecond)
	}

	sender := protocol.User{ID: "u1", Username: "alice", DisplayName: "Alice", Kind: parley.KindHuman}
	msg := protocol.MessageOf(parley.Message{
		ID: "01a2354f0ea96b410c7ed35a6fa161ff", RoomID: "bench", Seq: 1234,
		Text: "a message of ordinary length, with a mention of @bob in it", Mentions: []string{"bob"},
		ClientMsgID: "c-1", CreatedAt: time.Now(),
	}, sender)
	e := NewEmitter(io, nil)
	target := rooms.Target{Rooms: []string{"bench"}}
	sent := int64(0)
	b.ReportAllocs()
	for b.Loop() {
		e.Emit(target, protocol.EventMessage, msg)
		sent++
		if sent%int64(window) == 0 {
			got.wait(b, sent*int64(peers))
		}
	}
	got.wait(b, sent*int64(peers))
}
