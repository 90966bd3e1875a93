package server

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
)

// wireJSON is an event payload encoded once, as JSON, before it leaves the
// hub. The payload takes one of two roads to a client:
//
//   - to this node's sockets, the Socket.IO encoder writes it with
//     encoding/json, which takes these bytes as they are (json.Marshaler);
//   - to other nodes, the Redis adapter serializes the packet with
//     MessagePack, which knows nothing of json tags or MarshalJSON: a Go
//     struct would cross as its Go field names ("ClientMsgID") and a
//     time.Time-based type as {}. So for MessagePack the same JSON is read
//     back into plain maps, slices and scalars (msgpack.CustomEncoder),
//     which the receiving node writes to its sockets unchanged.
//
// Either way the client gets the object encoding/json made of the payload,
// whichever node its sender was on.
type wireJSON struct{ raw []byte }

var (
	_ json.Marshaler        = wireJSON{}
	_ msgpack.CustomEncoder = wireJSON{}
)

// encodeWire encodes payload for every road above.
func encodeWire(payload any) (wireJSON, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return wireJSON{}, fmt.Errorf("encode event payload: %w", err)
	}
	return wireJSON{raw: raw}, nil
}

func (w wireJSON) MarshalJSON() ([]byte, error) { return w.raw, nil }

func (w wireJSON) EncodeMsgpack(enc *msgpack.Encoder) error {
	dec := json.NewDecoder(bytes.NewReader(w.raw))
	dec.UseNumber() // integers stay integers (seq, lastSeq), not float64
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("decode event payload: %w", err)
	}
	return enc.Encode(plainJSON(v))
}

// plainJSON replaces the json.Numbers in v, which MessagePack would send as
// strings, with int64 or float64.
func plainJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = plainJSON(e)
		}
	case []any:
		for i, e := range v {
			v[i] = plainJSON(e)
		}
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		if f, err := v.Float64(); err == nil {
			return f
		}
		return v.String()
	}
	return v
}
