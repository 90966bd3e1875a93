package server

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// payloadTypes are the structs client events decode into; each fuzz input
// is tried against all of them.
func payloadTypes() []func() any {
	return []func() any{
		func() any { return new(protocol.RoomPayload) },
		func() any { return new(protocol.MemberPayload) },
		func() any { return new(protocol.SendPayload) },
		func() any { return new(protocol.HistoryPayload) },
		func() any { return new(protocol.SyncPayload) },
		func() any { return new(protocol.ReadPayload) },
		func() any { return new(protocol.TypingPayload) },
		func() any { return new(protocol.DirectPayload) },
		func() any { return new(protocol.DeletePayload) },
	}
}

// FuzzDecodePayload feeds arbitrary bytes through both decoding paths a
// client can reach: as a REST body (unmarshalObject) and, when the bytes
// are JSON, as a Socket.IO event argument (parsed into maps and float64s
// first, as the Socket.IO parser does). Neither may panic; a refusal is a
// parley.Error with code BAD_REQUEST and a message the client can read; an
// accepted payload encodes and decodes back to itself.
func FuzzDecodePayload(f *testing.F) {
	for _, s := range []string{
		`{"room":"general","text":"hi","clientMsgId":"c1"}`,
		`{"room":"general","before":42,"limit":50}`,
		`{"cursors":{"general":7,"random":-1}}`,
		`{"room":"general","seq":null}`,
		`{"room":"general","typing":true}`,
		`{"before":1e400}`,
		`{"limit":"50"}`,
		`{"cursors":[1,2]}`,
		`{"room":{"x":1}}`,
		`"general"`,
		`[{"room":"general"}]`,
		`null`,
		`{"room":"gen`,
		"{\"room\":\"\xff\"}",
		`  {}  `,
		``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var raw any
		socket := json.Unmarshal(b, &raw) == nil
		for _, newDst := range payloadTypes() {
			dst := newDst()
			checkDecoded(t, "body", b, dst, unmarshalObject(b, dst))
			if socket {
				dst := newDst()
				checkDecoded(t, "event", b, dst, decodePayload(raw, dst))
			}
		}
	})
}

func checkDecoded(t *testing.T, path string, in []byte, dst any, err error) {
	t.Helper()
	if err != nil {
		if parley.CodeOf(err) != parley.CodeBadRequest || parley.ErrorMessage(err) == "" {
			t.Fatalf("%s %q into %T: err = %v (code %q), want BAD_REQUEST with a message", path, in, dst, err, parley.CodeOf(err))
		}
		return
	}
	enc, err := json.Marshal(dst)
	if err != nil {
		t.Fatalf("%s %q into %T: accepted but does not encode: %v", path, in, dst, err)
	}
	again := reflect.New(reflect.TypeOf(dst).Elem()).Interface()
	if err := unmarshalObject(enc, again); err != nil {
		t.Fatalf("%s %q into %T: accepted %s does not decode again: %v", path, in, dst, enc, err)
	}
	if !reflect.DeepEqual(dst, again) {
		t.Fatalf("%s %q into %T: decoded %+v, re-decoded %+v", path, in, dst, dst, again)
	}
}
