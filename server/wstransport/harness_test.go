package wstransport

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	ws "github.com/gorilla/websocket"
	"github.com/zishang520/socket.io/parsers/engine/v3/packet"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/parley-chat/parley/monitoring"
)

// wsServer upgrades every request and hands the transport built on it to
// the test, without the engine: the transport on its own.
type wsServer struct {
	s     *Transports
	http  *httptest.Server
	conns chan *websocketConn
}

func newWSServer(t *testing.T, s *Transports) *wsServer {
	t.Helper()
	srv := &wsServer{s: s, conns: make(chan *websocketConn, 16)}
	up := ws.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024}
	srv.http = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := types.NewHttpContext(w, r)
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		ctx.Websocket = &types.WebSocketConn{EventEmitter: types.NewEventEmitter(), Conn: conn}
		srv.conns <- s.newWebSocket(ctx).(*websocketConn)
	}))
	t.Cleanup(srv.http.Close)
	return srv
}

// dial opens a connection and returns both ends. dialer may shrink the
// client's socket buffers.
func (srv *wsServer) dial(t *testing.T, netDial func(ctx context.Context, network, addr string) (net.Conn, error)) (*websocketConn, *ws.Conn) {
	t.Helper()
	d := ws.Dialer{NetDialContext: netDial, HandshakeTimeout: 5 * time.Second}
	peer, _, err := d.Dial("ws"+strings.TrimPrefix(srv.http.URL, "http")+"/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = peer.Close() })
	select {
	case c := <-srv.conns:
		return c, peer
	case <-time.After(5 * time.Second):
		t.Fatal("no transport")
	}
	return nil, nil
}

// broadcast is what the Socket.IO adapter hands each recipient of one
// broadcast: its own copy of the data, and the same encoded buffer.
func broadcast(shared types.BufferInterface) *packet.Packet {
	return &packet.Packet{Type: packet.MESSAGE, Data: shared.Clone(), Options: &packet.Options{WsPreEncodedFrame: shared}}
}

func message(text string) *packet.Packet {
	return &packet.Packet{Type: packet.MESSAGE, Data: types.NewStringBufferString(text)}
}

// readText reads one message from the peer within a few seconds.
func readText(t *testing.T, peer *ws.Conn) string {
	t.Helper()
	_ = peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	mt, b, err := peer.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if mt != ws.TextMessage {
		t.Fatalf("message type %d, want text", mt)
	}
	return string(b)
}

// events records what a transport says to the engine.
type events struct {
	errs   chan error
	closed chan struct{}
}

func listen(c *websocketConn) *events {
	e := &events{errs: make(chan error, 4), closed: make(chan struct{})}
	_ = c.On("error", func(args ...any) { e.errs <- args[0].(error) })
	_ = c.Once("close", func(...any) { close(e.closed) })
	return e
}

func (e *events) waitClosed(t *testing.T) {
	t.Helper()
	select {
	case <-e.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the transport did not say close")
	}
}

// count reads one of the transports' counters, by its full name.
func count(t *testing.T, s *Transports, name string) int {
	t.Helper()
	mfs, err := s.cfg.Metrics.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return int(mf.GetMetric()[0].GetCounter().GetValue())
		}
	}
	t.Fatalf("no counter %s", name)
	return 0
}

// settleGoroutines waits for the goroutine count to come back to at most
// want, and reports the count.
func settleGoroutines(want int) int {
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testConfig keeps the transport's warnings out of the test output.
func testConfig(c Config) Config {
	c.Logger = slog.New(slog.DiscardHandler)
	c.Metrics = monitoring.OrNew(c.Metrics)
	return c
}
