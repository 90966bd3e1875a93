package wstransport

import (
	"io"
	"strings"

	"github.com/zishang520/socket.io/parsers/engine/v3/packet"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// frameOf frames one packet: a broadcast's shared buffer once for all its
// recipients, anything else for this connection alone.
func (c *websocketConn) frameOf(p *packet.Packet) ([]byte, error) {
	if p.Options != nil && p.Options.WsPreEncodedFrame != nil {
		return c.s.frames.frame(p.Options.WsPreEncodedFrame), nil
	}
	if f, ok := textFrame(p); ok {
		return f, nil
	}
	data, err := c.Parser().EncodePacket(p, c.SupportsBinary())
	if err != nil {
		return nil, err
	}
	return newFrame(opcodeOf(data), data.Bytes()), nil
}

// textFrame frames the common packets (pings, acks, a socket's own events)
// without the parser's intermediate buffer: their Engine.IO encoding is
// the type's digit followed by the text.
func textFrame(p *packet.Packet) ([]byte, bool) {
	t, ok := typeDigit(p.Type)
	if !ok {
		return nil, false
	}
	switch d := p.Data.(type) {
	case nil:
		return newFrame(opText, []byte{t}), true
	case *types.StringBuffer:
		f := appendHeader(make([]byte, 0, maxHeader+1+d.Len()), opText, 1+d.Len())
		return append(append(f, t), d.Bytes()...), true
	case *strings.Reader:
		n := d.Len()
		f := appendHeader(make([]byte, 0, maxHeader+1+n), opText, 1+n)
		f = append(f, t)
		m, _ := io.ReadFull(d, f[len(f):len(f)+n])
		return f[:len(f)+m], m == n
	}
	return nil, false
}

func typeDigit(t packet.Type) (byte, bool) {
	switch t {
	case packet.OPEN:
		return '0', true
	case packet.CLOSE:
		return '1', true
	case packet.PING:
		return '2', true
	case packet.PONG:
		return '3', true
	case packet.MESSAGE:
		return '4', true
	case packet.UPGRADE:
		return '5', true
	case packet.NOOP:
		return '6', true
	}
	return 0, false
}
