package wstransport

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ws "github.com/gorilla/websocket"
	"github.com/zishang520/socket.io/servers/engine/v3"
	"github.com/zishang520/socket.io/servers/engine/v3/config"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// engineServer is the library's Engine.IO server on these transports.
type engineServer struct {
	http    *httptest.Server
	sockets chan engine.Socket
}

func newEngineServer(t *testing.T, s *Transports) *engineServer {
	t.Helper()
	opts := config.DefaultServerOptions()
	opts.SetTransports(s.Ctors())
	opts.SetPingInterval(time.Hour)
	opts.SetPingTimeout(time.Hour)
	srv := engine.NewServer(opts)
	e := &engineServer{sockets: make(chan engine.Socket, 4)}
	_ = srv.On("connection", func(args ...any) { e.sockets <- args[0].(engine.Socket) })
	e.http = httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close()
		e.http.Close()
	})
	return e
}

func (e *engineServer) url(query string) string {
	return e.http.URL + "/engine.io/?EIO=4&" + query
}

// open performs a long-polling handshake and returns the session's id and
// its server side.
func (e *engineServer) open(t *testing.T) (string, engine.Socket) {
	t.Helper()
	body, _ := e.poll(t, "transport=polling")
	var open struct{ Sid string }
	if !strings.HasPrefix(body, "0") || json.Unmarshal([]byte(body[1:]), &open) != nil {
		t.Fatalf("handshake answered %q", body)
	}
	select {
	case sock := <-e.sockets:
		return open.Sid, sock
	case <-time.After(5 * time.Second):
		t.Fatal("no connection")
	}
	return "", nil
}

func (e *engineServer) poll(t *testing.T, query string) (string, int) {
	t.Helper()
	res, err := (&http.Client{Timeout: 5 * time.Second}).Get(e.url(query))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b), res.StatusCode
}

func send(sock engine.Socket, text string) {
	sock.Send(types.NewStringBufferString(text), nil, nil)
}

// A poll that arrives takes everything queued since the last one, in one
// answer; a poll that waits is answered by the next packet.
func TestPollTakesEverythingQueued(t *testing.T) {
	e := newEngineServer(t, New(testConfig(Config{})))
	sid, sock := e.open(t)
	for _, m := range []string{"a", "b", "c"} {
		send(sock, m)
	}
	if body, _ := e.poll(t, "transport=polling&sid="+sid); body != "4a\x1e4b\x1e4c" {
		t.Fatalf("poll answered %q", body)
	}
	answered := make(chan string)
	go func() {
		body, _ := e.poll(t, "transport=polling&sid="+sid)
		answered <- body
	}()
	time.Sleep(50 * time.Millisecond) // the poll waits
	send(sock, "d")
	select {
	case body := <-answered:
		if body != "4d" {
			t.Fatalf("waiting poll answered %q", body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting poll was not answered")
	}
}

// A long-polling client that stops polling is dropped when what waits for
// it passes the byte limit, and counted.
func TestStalledPollingSessionIsDroppedAndCounted(t *testing.T) {
	s := New(testConfig(Config{MaxQueuedBytes: 16 << 10}))
	e := newEngineServer(t, s)
	sid, sock := e.open(t)
	closed := make(chan []any, 1)
	_ = sock.Once("close", func(args ...any) { closed <- args })
	kib := strings.Repeat("x", 1<<10)
	for range 20 {
		send(sock, kib)
	}
	select {
	case args := <-closed:
		err, _ := args[1].(error)
		if args[0] != "transport error" || !errors.Is(err, ErrSlowClient) {
			t.Fatalf("closed for %v", args)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stalled session was not dropped")
	}
	if n := count(t, s, "parley_slow_clients_disconnected_total"); n != 1 {
		t.Fatalf("slow clients counted: %d, want 1", n)
	}
	if body, status := e.poll(t, "transport=polling&sid="+sid); status != http.StatusBadRequest {
		t.Fatalf("the dropped session still answers: %d %q", status, body)
	}
}

// What a long-polling session had queued when it upgraded goes out on the
// WebSocket, before anything sent afterwards.
func TestUpgradeCarriesWhatPollingHadQueued(t *testing.T) {
	e := newEngineServer(t, New(testConfig(Config{})))
	sid, sock := e.open(t)
	peer, _, err := ws.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.url("transport=websocket&sid="+sid), "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = peer.Close() })
	if err := peer.WriteMessage(ws.TextMessage, []byte("2probe")); err != nil {
		t.Fatal(err)
	}
	if got := readText(t, peer); got != "3probe" {
		t.Fatalf("probe answered %q", got)
	}
	// The client has paused polling: these wait on the polling side.
	send(sock, "queued 1")
	send(sock, "queued 2")
	upgraded := make(chan struct{})
	_ = sock.Once("upgrade", func(...any) { close(upgraded) })
	if err := peer.WriteMessage(ws.TextMessage, []byte("5")); err != nil {
		t.Fatal(err)
	}
	<-upgraded
	send(sock, "after")
	for _, want := range []string{"4queued 1", "4queued 2", "4after"} {
		if got := readText(t, peer); got != want {
			t.Fatalf("read %q, want %q", got, want)
		}
	}
	if name := sock.Transport().Name(); name != "websocket" {
		t.Fatalf("transport after the upgrade: %s", name)
	}
}
