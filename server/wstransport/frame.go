package wstransport

import (
	"encoding/binary"
	"sync/atomic"

	"github.com/zishang520/socket.io/v3/pkg/types"
)

// WebSocket opcodes (RFC 6455 §5.2).
const (
	opText   byte = 0x1
	opBinary byte = 0x2
	opClose  byte = 0x8
	opPing   byte = 0x9
	opPong   byte = 0xa
)

// maxHeader is the longest header of an unmasked frame.
const maxHeader = 10

// appendHeader appends the header of one final, unmasked frame: a server
// never masks (RFC 6455 §5.1), which is what lets one frame's bytes go to
// every recipient unchanged.
func appendHeader(dst []byte, opcode byte, n int) []byte {
	dst = append(dst, 0x80|opcode)
	switch {
	case n < 126:
		return append(dst, byte(n))
	case n <= 0xffff:
		return append(dst, 126, byte(n>>8), byte(n))
	default:
		return binary.BigEndian.AppendUint64(append(dst, 127), uint64(n))
	}
}

// newFrame frames payload in one allocation.
func newFrame(opcode byte, payload []byte) []byte {
	f := make([]byte, 0, maxHeader+len(payload))
	return append(appendHeader(f, opcode, len(payload)), payload...)
}

// opcodeOf is the frame type a buffer is sent as: the library marks text
// by the buffer's type.
func opcodeOf(b types.BufferInterface) byte {
	if _, ok := b.(*types.StringBuffer); ok {
		return opText
	}
	return opBinary
}

// frameSlots is how many broadcasts may be framed at once before they
// evict each other: a broadcast asks for its frame once per recipient,
// one recipient after the other, so a few slots serve as many
// broadcasters running at the same time.
const frameSlots = 8

// frameCache frames each shared broadcast buffer once. The key is the
// buffer's identity: the adapter encodes a broadcast into one buffer and
// gives every recipient's packet that same pointer, and never writes to it
// afterwards. An entry holds its buffer, so no other buffer can be
// allocated at that address while the entry can be found.
type frameCache struct {
	slots  [frameSlots]atomic.Pointer[cachedFrame]
	next   atomic.Uint32
	builds atomic.Int64 // frames built; tests compare it with recipients
}

type cachedFrame struct {
	src   types.BufferInterface
	frame []byte
}

// frame returns src framed, building it only if no slot holds it. Two
// recipients racing on a new buffer may both build it: the bytes are the
// same, and the race is rare, so no lock is worth taking for it.
func (c *frameCache) frame(src types.BufferInterface) []byte {
	for i := range c.slots {
		if e := c.slots[i].Load(); e != nil && e.src == src {
			return e.frame
		}
	}
	c.builds.Add(1)
	f := newFrame(opcodeOf(src), src.Bytes())
	c.slots[c.next.Add(1)%frameSlots].Store(&cachedFrame{src: src, frame: f})
	return f
}
