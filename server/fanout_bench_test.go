package server

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zishang520/socket.io/servers/engine/v3/transports"
	"github.com/zishang520/socket.io/servers/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/server/wstransport"
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
//
// transport=library is the library's own WebSocket transport, for
// comparison with Parley's (wstransport), which also reports how many
// frames its writes carried (frames/write).
func BenchmarkFanout(b *testing.B) {
	library := func(*monitoring.Registry) *types.Set[transports.TransportCtor] {
		return types.NewSet[transports.TransportCtor](&transports.PollingBuilder{}, &transports.WebSocketBuilder{})
	}
	parley := func(reg *monitoring.Registry) *types.Set[transports.TransportCtor] {
		return wstransport.New(wstransport.Config{Metrics: reg}).Ctors()
	}
	for _, tr := range []struct {
		name  string
		ctors func(*monitoring.Registry) *types.Set[transports.TransportCtor]
	}{{"library", library}, {"parley", parley}} {
		for _, window := range []int{1, 64} {
			b.Run("transport="+tr.name+"/peers=100/window="+strconv.Itoa(window), func(b *testing.B) {
				reg := monitoring.OrNew(nil)
				benchmarkFanout(b, tr.ctors(reg), 100, window)
				if writes := counter(reg, "parley_websocket_writes_total"); writes > 0 {
					b.ReportMetric(counter(reg, "parley_websocket_frames_written_total")/writes, "frames/write")
				}
			})
		}
	}
}

// counter reads an unlabelled counter, 0 if it is not registered.
func counter(reg *monitoring.Registry, name string) float64 {
	mfs, _ := reg.Gatherer().Gather()
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	return 0
}

func benchmarkFanout(b *testing.B, ctors *types.Set[transports.TransportCtor], peers, window int) {
	io := newSocketServer(SocketOptions{PingInterval: time.Hour, PingTimeout: time.Hour}, ctors)
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
