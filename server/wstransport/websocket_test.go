package wstransport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ws "github.com/gorilla/websocket"
	"github.com/zishang520/socket.io/parsers/engine/v3/packet"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// One broadcast to several recipients is framed once, and every recipient
// reads the same bytes.
func TestBroadcastIsFramedOnceForAllRecipients(t *testing.T) {
	s := New(testConfig(Config{}))
	srv := newWSServer(t, s)
	var conns []*websocketConn
	var peers []*ws.Conn
	for range 5 {
		c, p := srv.dial(t, nil)
		conns, peers = append(conns, c), append(peers, p)
	}
	shared := types.NewStringBufferString(`42["message",{"text":"to everyone"}]`)
	for _, c := range conns {
		c.Send([]*packet.Packet{broadcast(shared)})
	}
	for i, p := range peers {
		if got := readText(t, p); got != shared.String() {
			t.Errorf("recipient %d read %q", i, got)
		}
	}
	if n := s.frames.builds.Load(); n != 1 {
		t.Errorf("one broadcast to %d recipients framed %d times", len(conns), n)
	}
}

// A peer that stops reading is dropped when what waits for it passes the
// byte limit, and counted; a peer that reads, sent the same, gets all.
func TestSlowReaderIsDroppedAndCountedWhileFastReaderGetsEverything(t *testing.T) {
	const limit = 64 << 10
	s := New(testConfig(Config{MaxQueuedBytes: limit}))
	// Small kernel buffers on both sides of the slow peer's connection
	// (the second), so that not reading blocks the writer after a few KiB,
	// not a few MiB.
	var conns atomic.Int32
	s.wrapConn = func(c net.Conn) net.Conn {
		if conns.Add(1) == 2 {
			_ = c.(*net.TCPConn).SetWriteBuffer(4 << 10)
		}
		return c
	}
	smallReads := func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			_ = c.(*net.TCPConn).SetReadBuffer(4 << 10)
		}
		return c, err
	}
	srv := newWSServer(t, s)
	fast, fastPeer := srv.dial(t, nil)
	slow, _ := srv.dial(t, smallReads)
	slowEvents := listen(slow)

	const n = 400 // 4 KiB each: 1.6 MiB in all, 25 times the limit
	// The sender keeps pace with the fast peer, a few messages ahead.
	read := make(chan int, n)
	got := make(chan int)
	go func() {
		i := 0
		for ; i < n; i++ {
			_ = fastPeer.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, b, err := fastPeer.ReadMessage(); err != nil || !strings.HasPrefix(string(b), fmt.Sprintf("4%04d", i)) {
				break
			}
			read <- i
		}
		got <- i
	}()
	const ahead = 4
	for i := range n {
		if i >= ahead {
			select {
			case <-read:
			case <-time.After(5 * time.Second):
				t.Fatalf("the fast peer stalled at %d", i-ahead)
			}
		}
		shared := types.NewStringBufferString(fmt.Sprintf("4%04d", i) + strings.Repeat("x", 4<<10))
		fast.Send([]*packet.Packet{broadcast(shared)})
		slow.Send([]*packet.Packet{broadcast(shared)})
	}
	if i := <-got; i != n {
		t.Fatalf("the fast peer read %d of %d messages in order", i, n)
	}
	select {
	case err := <-slowEvents.errs:
		if !errors.Is(err, ErrSlowClient) {
			t.Fatalf("the slow peer's transport error: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the slow peer was not dropped")
	}
	slowEvents.waitClosed(t)
	if n := count(t, s, "parley_slow_clients_disconnected_total"); n != 1 {
		t.Fatalf("slow clients counted: %d, want 1", n)
	}
	slow.mu.Lock()
	waiting := slow.out.bytes
	slow.mu.Unlock()
	if waiting != 0 {
		t.Fatalf("a dropped connection still holds %d bytes", waiting)
	}
}

// countingConn counts writes; the first one says so and waits for
// release.
type countingConn struct {
	net.Conn
	writes  atomic.Int32
	first   sync.Once
	entered chan struct{}
	release chan struct{}
}

func newCountingConn(c net.Conn) *countingConn {
	return &countingConn{Conn: c, entered: make(chan struct{}), release: make(chan struct{})}
}

func (c *countingConn) Write(b []byte) (int, error) {
	c.first.Do(func() {
		close(c.entered)
		<-c.release
	})
	c.writes.Add(1)
	return c.Conn.Write(b)
}

// Messages queued while a write is under way leave together, in one write.
func TestMessagesQueuedDuringAWriteLeaveInOneWrite(t *testing.T) {
	s := New(testConfig(Config{}))
	counted := make(chan *countingConn, 1)
	s.wrapConn = func(c net.Conn) net.Conn {
		cc := newCountingConn(c)
		counted <- cc
		return cc
	}
	srv := newWSServer(t, s)
	c, peer := srv.dial(t, nil)
	cc := <-counted
	const n = 50
	c.Send([]*packet.Packet{message("0")})
	<-cc.entered
	for i := 1; i < n; i++ {
		c.Send([]*packet.Packet{message(fmt.Sprint(i))})
	}
	close(cc.release)
	for i := range n {
		if got := readText(t, peer); got != fmt.Sprint("4", i) {
			t.Fatalf("message %d: %q", i, got)
		}
	}
	// The first message's write, then the other 49 in one.
	if w := cc.writes.Load(); w != 2 {
		t.Fatalf("%d messages took %d writes, want 2", n, w)
	}
}

// On a TCP connection a batch leaves in one vectored write.
func TestPacketsHandedOverTogetherLeaveInOneVectoredWrite(t *testing.T) {
	s := New(testConfig(Config{}))
	srv := newWSServer(t, s)
	c, peer := srv.dial(t, nil)
	if !c.vectored {
		t.Fatal("a TCP connection is not written with writev")
	}
	shared := types.NewStringBufferString(`42["message",{}]`)
	var packets []*packet.Packet
	for i := range 10 {
		packets = append(packets, message(fmt.Sprint(i)), broadcast(shared))
	}
	c.Send(packets)
	for range packets {
		readText(t, peer)
	}
	if w, f := count(t, s, "parley_websocket_writes_total"), count(t, s, "parley_websocket_frames_written_total"); w != 1 || f != len(packets) {
		t.Fatalf("%d frames in %d writes, want %d in 1", f, w, len(packets))
	}
}

func TestPingIsAnsweredWithItsPong(t *testing.T) {
	srv := newWSServer(t, New(testConfig(Config{})))
	c, peer := srv.dial(t, nil)
	pong := make(chan string, 1)
	peer.SetPongHandler(func(data string) error {
		pong <- data
		return nil
	})
	if err := peer.WriteControl(ws.PingMessage, []byte("are you there"), time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	// The pong is read on the way to a message sent after it.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		c.Send([]*packet.Packet{message("tick")})
		readText(t, peer)
		select {
		case data := <-pong:
			if data != "are you there" {
				t.Fatalf("pong %q", data)
			}
			return
		default:
		}
	}
	t.Fatal("no pong")
}

// Closing writes what is queued, then a close frame, then closes.
func TestCloseFlushesTheQueueThenSendsACloseFrame(t *testing.T) {
	srv := newWSServer(t, New(testConfig(Config{})))
	c, peer := srv.dial(t, nil)
	e := listen(c)
	c.Send([]*packet.Packet{message("a"), message("b"), message("c")})
	c.Close()
	for _, want := range []string{"4a", "4b", "4c"} {
		if got := readText(t, peer); got != want {
			t.Fatalf("read %q, want %q", got, want)
		}
	}
	_, _, err := peer.ReadMessage()
	if !ws.IsCloseError(err, ws.CloseNormalClosure) {
		t.Fatalf("after the queue: %v, want a normal close", err)
	}
	e.waitClosed(t)
	select {
	case err := <-e.errs:
		t.Fatalf("a polite close reported %v", err)
	default:
	}
	// Nothing is queued after the close.
	c.Send([]*packet.Packet{message("late")})
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.out.len() != 0 {
		t.Fatal("a closed transport queued a packet")
	}
}

// A discarded transport (the engine's forced close) closes at once and
// drops what is queued.
func TestDiscardedTransportClosesAtOnce(t *testing.T) {
	s := New(testConfig(Config{}))
	counted := make(chan *countingConn, 1)
	s.wrapConn = func(conn net.Conn) net.Conn {
		cc := newCountingConn(conn)
		counted <- cc
		return cc
	}
	srv := newWSServer(t, s)
	c, peer := srv.dial(t, nil)
	cc := <-counted
	e := listen(c)
	c.Send([]*packet.Packet{message("stuck")}) // its write waits for release
	c.Send([]*packet.Packet{message("queued")})
	c.Discard()
	c.Close()
	e.waitClosed(t)
	close(cc.release)
	_ = peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, b, err := peer.ReadMessage()
		if err != nil {
			break
		}
		if string(b) == "4queued" {
			t.Fatal("a discarded transport wrote its queue")
		}
	}
}

// A peer's close frame is echoed and the transport reports a close, not
// an error.
func TestPeerCloseIsEchoedAndReportedAsClose(t *testing.T) {
	srv := newWSServer(t, New(testConfig(Config{})))
	c, peer := srv.dial(t, nil)
	e := listen(c)
	msg := ws.FormatCloseMessage(ws.CloseGoingAway, "bye")
	if err := peer.WriteControl(ws.CloseMessage, msg, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	_ = peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := peer.ReadMessage(); !ws.IsCloseError(err, ws.CloseGoingAway) {
		t.Fatalf("echo: %v, want the peer's own close code", err)
	}
	e.waitClosed(t)
	select {
	case err := <-e.errs:
		t.Fatalf("a peer's close reported %v", err)
	default:
	}
}

// Incoming messages reach the engine as packets.
func TestIncomingMessagesBecomePackets(t *testing.T) {
	srv := newWSServer(t, New(testConfig(Config{})))
	c, peer := srv.dial(t, nil)
	got := make(chan string, 2)
	_ = c.On("packet", func(args ...any) {
		p := args[0].(*packet.Packet)
		got <- string(p.Type) + ":" + p.Data.(types.BufferInterface).String()
	})
	for _, m := range []string{"4hello", "2probe"} {
		if err := peer.WriteMessage(ws.TextMessage, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"message:hello", "ping:probe"} {
		select {
		case g := <-got:
			if g != want {
				t.Fatalf("packet %q, want %q", g, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no packet")
		}
	}
}

// Connections closed by either side, with and without a queue, leave no
// goroutine behind; an idle one has only its reader.
func TestNoGoroutineLeftAfterClose(t *testing.T) {
	srv := newWSServer(t, New(testConfig(Config{})))
	time.Sleep(20 * time.Millisecond)
	base := runtime.NumGoroutine()
	const n = 20
	var conns []*websocketConn
	var peers []*ws.Conn
	for range n {
		c, p := srv.dial(t, nil)
		conns, peers = append(conns, c), append(peers, p)
	}
	// Each client has a goroutine of its own (none: gorilla reads on the
	// caller's); each server side has its reader, and no writer while idle.
	time.Sleep(50 * time.Millisecond)
	if g := settleGoroutines(base + n); g > base+n {
		t.Errorf("%d idle connections hold %d goroutines, want at most one each", n, g-base)
	}
	for i, c := range conns {
		c.Send([]*packet.Packet{message("bye")})
		switch i % 3 {
		case 0:
			c.Close()
		case 1:
			_ = peers[i].Close()
		case 2:
			c.Discard()
			c.Close()
		}
	}
	for _, p := range peers {
		_ = p.Close()
	}
	if g := settleGoroutines(base); g > base {
		t.Fatalf("%d goroutines left after closing %d connections", g-base, n)
	}
}

// A transport whose start the engine refuses (its read permission denied)
// closes politely and for good, though its reader never ran, and leaves
// no upgrade behind.
func TestRefusedStartClosesWithoutAReader(t *testing.T) {
	s := New(testConfig(Config{}))
	made := make(chan *websocketConn, 1)
	up := ws.Upgrader{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := types.NewHttpContext(w, r)
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		ctx.Websocket = &types.WebSocketConn{EventEmitter: types.NewEventEmitter(), Conn: conn}
		refused := make(chan bool)
		close(refused)
		ctx.SetTransportReadPermission(refused)
		made <- s.newWebSocket(ctx).(*websocketConn)
	}))
	t.Cleanup(hs.Close)
	peer, _, err := ws.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/?EIO=4&transport=websocket&sid=abc", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	c := <-made
	_ = peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := peer.ReadMessage(); !ws.IsCloseError(err, ws.CloseNormalClosure) {
		t.Fatalf("refused transport: %v, want a normal close", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for c.ReadyState() != "closed" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if state := c.ReadyState(); state != "closed" {
		t.Fatalf("refused transport is %s", state)
	}
	if _, ok := s.upgrades.Load("abc"); ok {
		t.Fatal("a refused upgrade candidate stayed registered")
	}
}
