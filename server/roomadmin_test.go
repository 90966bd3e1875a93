package server_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// sock is a bare Socket.IO client over one WebSocket, enough to send an
// event and read its ack and the events that arrive meanwhile exactly as
// the server wrote them.
type sock struct {
	t      *testing.T
	conn   *websocket.Conn
	nextID int
	events []string // "42[...]" packets read while waiting for acks
}

// dialSocket connects with token. A socket the server set up a moment too
// late, as a bare WebSocket client can make it, is closed at once
// (onConnect's "abandoned"); it is dialled again, as a real client
// reconnects.
func (s *testServer) dialSocket(token string) *sock {
	s.t.Helper()
	ts := httptest.NewServer(s.handler)
	s.t.Cleanup(ts.Close)
	for try := 0; ; try++ {
		if c := s.tryDial(ts.URL, token); c != nil {
			return c
		}
		if try == 5 {
			s.t.Fatal("the socket was closed right after connecting, 6 times")
		}
	}
}

func (s *testServer) tryDial(url, token string) *sock {
	s.t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { _ = conn.Close() })
	c := &sock{t: s.t, conn: conn}
	if open := c.read(); !strings.HasPrefix(open, "0{") {
		s.t.Fatalf("want the Engine.IO OPEN, got %q", open)
	}
	auth, _ := json.Marshal(map[string]string{"token": token})
	c.write("40" + string(auth))
	if ok := c.read(); !strings.HasPrefix(ok, "40{") {
		s.t.Fatalf("want the CONNECT answer, got %q", ok)
	}
	// A sync answers once the socket is set up, or the socket closes.
	c.write(`420["sync",{}]`)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			_ = conn.Close()
			return nil
		}
		if strings.HasPrefix(string(b), "430[") {
			return c
		}
		if p := string(b); strings.HasPrefix(p, "42") {
			c.events = append(c.events, p[2:])
		}
	}
}

func (c *sock) read() string {
	c.t.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

func (c *sock) write(packet string) {
	c.t.Helper()
	if err := c.conn.WriteMessage(websocket.TextMessage, []byte(packet)); err != nil {
		c.t.Fatal(err)
	}
}

// emit sends event with payload and returns its ack's JSON.
func (c *sock) emit(event string, payload any) string {
	c.t.Helper()
	c.nextID++
	args, _ := json.Marshal([]any{event, payload})
	c.write(fmt.Sprintf("42%d%s", c.nextID, args))
	prefix := fmt.Sprintf("43%d[", c.nextID)
	for {
		p := c.read()
		if strings.HasPrefix(p, prefix) {
			return strings.TrimSuffix(strings.TrimPrefix(p, prefix[:len(prefix)-1]+"["), "]")
		}
		if strings.HasPrefix(p, "42") {
			c.events = append(c.events, p[2:])
		}
	}
}

// event waits for the next event named name and returns its payload's JSON.
func (c *sock) event(name string) string {
	c.t.Helper()
	head := fmt.Sprintf("[%q,", name)
	for {
		for i, e := range c.events {
			if strings.HasPrefix(e, head) {
				c.events = append(c.events[:i], c.events[i+1:]...)
				return strings.TrimSuffix(strings.TrimPrefix(e, head), "]")
			}
		}
		if p := c.read(); strings.HasPrefix(p, "42") {
			c.events = append(c.events, p[2:])
		}
	}
}

func sameJSON(t *testing.T, what, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%s: %v in %s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad expectation %s", what, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got  %s\n want %s", what, got, want)
	}
}

func errorCode(t *testing.T, ack string) string {
	t.Helper()
	var v struct {
		OK    *bool `json:"ok"`
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(ack), &v); err != nil || v.OK == nil || *v.OK || v.Error.Message == "" {
		t.Fatalf("want an error ack, got %s", ack)
	}
	return v.Error.Code
}

func TestRoomUpdateAndRoleOverSocketIO(t *testing.T) {
	s := newTestServer(t)
	alice, bob := s.register("alice", "password1"), s.register("bob", "password1")
	created := s.do("POST", "/api/rooms", alice, map[string]any{"name": "plans"})
	room := created.Body["room"].(map[string]any)
	id, createdAt := room["id"].(string), room["createdAt"].(string)
	a, b := s.dialSocket(alice), s.dialSocket(bob)
	if ack := b.emit("room:join", map[string]any{"room": id}); !strings.Contains(ack, `"ok":true`) {
		t.Fatalf("bob joins: %s", ack)
	}
	if joined := b.event("room:member"); !strings.Contains(joined, `"action":"joined"`) {
		t.Fatalf("bob's own join: %s", joined)
	}

	want := fmt.Sprintf(`{"id":%q,"name":"Plans","topic":"what next","kind":"group","private":false,"createdAt":%q,"lastSeq":0,"lastRev":0}`, id, createdAt)
	sameJSON(t, "room:update ack", a.emit("room:update", map[string]any{"room": id, "name": " Plans ", "topic": "what next"}), `{"ok":true,"room":`+want+`}`)
	sameJSON(t, "room:updated at bob", b.event("room:updated"), want)

	for _, tc := range []struct {
		who     *sock
		event   string
		payload map[string]any
		code    string
	}{
		{b, "room:update", map[string]any{"room": id, "name": "mine"}, "FORBIDDEN"},
		{a, "room:update", map[string]any{"room": id, "name": 42}, "BAD_REQUEST"},
		{a, "room:update", map[string]any{"room": id, "topic": []string{"x"}}, "BAD_REQUEST"},
		{a, "room:update", map[string]any{"room": "nope", "name": "x"}, "NOT_FOUND"},
		{b, "room:role", map[string]any{"room": id, "user": "alice", "role": "member"}, "FORBIDDEN"},
		{a, "room:role", map[string]any{"room": id, "user": "bob", "role": "owner"}, "BAD_REQUEST"},
		{a, "room:role", map[string]any{"room": id, "user": "bob", "role": 1}, "BAD_REQUEST"},
	} {
		if got := errorCode(t, tc.who.emit(tc.event, tc.payload)); got != tc.code {
			t.Errorf("%s %v: %s, want %s", tc.event, tc.payload, got, tc.code)
		}
	}

	sameJSON(t, "room:role ack", a.emit("room:role", map[string]any{"room": id, "user": "bob", "role": "admin"}), `{"ok":true}`)
	bobID := s.idOf("bob")
	sameJSON(t, "room:member at bob", b.event("room:member"),
		fmt.Sprintf(`{"room":%q,"user":{"id":%q,"username":"bob","displayName":"bob","kind":"human"},"action":"role","role":"admin"}`, id, bobID))
	// an admin may now rename it
	sameJSON(t, "an admin clears the topic", b.emit("room:update", map[string]any{"room": id, "topic": ""}),
		`{"ok":true,"room":`+strings.Replace(want, `"what next"`, `""`, 1)+`}`)
}
