package server

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	redis "github.com/zishang520/socket.io/adapters/redis/v3"
	"github.com/zishang520/socket.io/parsers/socket/v3/parser"
	"github.com/zishang520/socket.io/v3/pkg/utils"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// TestWirePayloadCrossesRedisUnchanged sends each server->client payload
// through the Redis adapter's own packet type and default serializer, as a
// broadcast to another node does, and checks that the JSON the receiving
// node writes to its sockets is the JSON this node writes: the same keys
// and the same values.
func TestWirePayloadCrossesRedisUnchanged(t *testing.T) {
	at := time.Date(2026, 12, 2, 5, 6, 7, 891_000_000, time.UTC)
	alice := protocol.User{ID: "u1", Username: "alice", DisplayName: "Alice", Kind: parley.KindHuman}
	online := true
	for _, c := range []struct {
		event   string
		payload any
	}{
		{protocol.EventMessage, protocol.MessageOf(parley.Message{ID: "m1", RoomID: "general", Seq: 9007199254740993, Text: "hi @bob", Mentions: []string{"bob"}, ClientMsgID: "c1", CreatedAt: at}, alice)},
		{protocol.EventMessage, protocol.MessageOf(parley.Message{ID: "m2", RoomID: "general", Seq: 2, Text: "no mentions", CreatedAt: at}, alice)},
		{protocol.EventMessage, protocol.MessageOf(parley.Message{ID: "m3", RoomID: "general", Seq: 3, Deleted: true, CreatedAt: at}, alice)},
		{protocol.EventStream, protocol.StreamEvent{Room: "general", StreamID: "s1", Delta: "Hel", Done: false}},
		{protocol.EventTyping, protocol.TypingEvent{Room: "general", User: alice, Typing: true}},
		{protocol.EventPresence, protocol.PresenceEvent{User: alice, Online: false}},
		{protocol.EventMember, protocol.MemberEvent{Room: "general", User: protocol.User{ID: "u2", Username: "bob", DisplayName: "Bob", Kind: parley.KindBot, Online: &online}, Action: "kicked"}},
		{protocol.EventDeleted, protocol.DeletedEvent{Room: "general", ID: "m1", Seq: 1}},
	} {
		data, err := encodeWire(c.payload)
		if err != nil {
			t.Fatal(err)
		}
		sent := &parser.Packet{Type: parser.EVENT, Nsp: "/", Data: []any{c.event, data}}

		// What this node's sockets get.
		local, err := json.Marshal(sent.Data)
		if err != nil {
			t.Fatal(err)
		}
		// What another node's sockets get: the adapter's publish and receive.
		msg, err := utils.MsgPack().Encode(&redis.RedisPacket{Uid: "node1", Packet: sent})
		if err != nil {
			t.Fatalf("%s: publish: %v", c.event, err)
		}
		var got *redis.RedisPacket
		if err := utils.MsgPack().Decode(msg, &got); err != nil {
			t.Fatalf("%s: receive: %v", c.event, err)
		}
		remote, err := json.Marshal(got.Packet.Data)
		if err != nil {
			t.Fatal(err)
		}

		want, err := json.Marshal([]any{c.event, c.payload})
		if err != nil {
			t.Fatal(err)
		}
		if string(local) != string(want) {
			t.Errorf("%s: this node writes %s, want %s", c.event, local, want)
		}
		if !reflect.DeepEqual(decodeExact(t, want), decodeExact(t, remote)) {
			t.Errorf("%s: another node writes\n%s\nwant\n%s", c.event, remote, want)
		}
	}
}

// decodeExact decodes JSON keeping numbers as written (no float64
// rounding), so the comparison is of keys and exact values, not of key order.
func decodeExact(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}
