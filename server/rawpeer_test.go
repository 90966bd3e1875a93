package server

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// rawPeer is a Socket.IO client over a bare TCP connection, with the
// WebSocket framing done by hand, so that a benchmark's readers cost next
// to nothing: after the handshake they parse frame headers and skip the
// payloads through one fixed buffer, allocating nothing. Whatever a
// fan-out benchmark allocates is then the server's.
type rawPeer struct {
	conn net.Conn
	br   *bufio.Reader
}

// dialRawPeer opens a WebSocket session on addr and completes the
// Engine.IO open and the Socket.IO CONNECT of the main namespace.
func dialRawPeer(tb testing.TB, addr string) *rawPeer {
	tb.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	fmt.Fprintf(conn, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: %s\r\n"+
		"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n\r\n",
		addr, base64.StdEncoding.EncodeToString(key))
	p := &rawPeer{conn: conn, br: bufio.NewReaderSize(conn, 64<<10)}
	res, err := http.ReadResponse(p.br, nil)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		tb.Fatalf("upgrade: %v %v", res, err)
	}
	if open := p.readText(tb); !strings.HasPrefix(open, "0{") {
		tb.Fatalf("want the Engine.IO OPEN, got %q", open)
	}
	p.writeText(tb, "40")
	if ok := p.readText(tb); !strings.HasPrefix(ok, "40{") {
		tb.Fatalf("want the Socket.IO CONNECT answer, got %q", ok)
	}
	_ = conn.SetDeadline(time.Time{})
	return p
}

// readText reads one whole frame as text (handshake only: it allocates).
func (p *rawPeer) readText(tb testing.TB) string {
	tb.Helper()
	_, n, err := p.header()
	if err != nil {
		tb.Fatal(err)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(p.br, b); err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// header reads a server frame's header: opcode and payload length. Server
// frames are never masked (RFC 6455 §5.1).
// Peek and Discard, not io.ReadFull: a buffer passed to an io.Reader
// escapes, and the peers must not allocate.
func (p *rawPeer) header() (opcode byte, n int, err error) {
	h, err := p.br.Peek(2)
	if err != nil {
		return 0, 0, err
	}
	opcode, n = h[0]&0x0f, int(h[1]&0x7f)
	_, _ = p.br.Discard(2)
	switch n {
	case 126:
		if h, err = p.br.Peek(2); err == nil {
			n = int(binary.BigEndian.Uint16(h))
			_, _ = p.br.Discard(2)
		}
	case 127:
		if h, err = p.br.Peek(8); err == nil {
			n = int(binary.BigEndian.Uint64(h))
			_, _ = p.br.Discard(8)
		}
	}
	return opcode, n, err
}

// writeText sends one masked client text frame (under 126 bytes).
func (p *rawPeer) writeText(tb testing.TB, s string) {
	tb.Helper()
	var mask [4]byte
	_, _ = rand.Read(mask[:])
	b := append([]byte{0x81, 0x80 | byte(len(s))}, mask[:]...)
	for i := 0; i < len(s); i++ {
		b = append(b, s[i]^mask[i%4])
	}
	if _, err := p.conn.Write(b); err != nil {
		tb.Fatal(err)
	}
}

// count skips every frame that arrives, adding one per frame to t, until
// the connection closes.
func (p *rawPeer) count(t *tally) {
	for {
		_, n, err := p.header()
		if err == nil {
			_, err = p.br.Discard(n)
		}
		if err != nil {
			return
		}
		t.add()
	}
}

// tally counts frames received by every peer and wakes one waiter when
// the count reaches its target.
type tally struct {
	n, target atomic.Int64
	reached   chan struct{}
}

func newTally() *tally { return &tally{reached: make(chan struct{}, 1)} }

func (t *tally) add() {
	if t.n.Add(1) == t.target.Load() {
		select {
		case t.reached <- struct{}{}:
		default:
		}
	}
}

// wait returns once n frames have arrived in all.
func (t *tally) wait(tb testing.TB, n int64) {
	select {
	case <-t.reached:
	default:
	}
	t.target.Store(n)
	for t.n.Load() < n {
		select {
		case <-t.reached:
		case <-time.After(10 * time.Second):
			tb.Fatalf("%d of %d frames arrived", t.n.Load(), n)
		}
	}
}
