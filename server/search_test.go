package server_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/rooms"
)

func (s *testServer) user(username string) parley.User {
	s.t.Helper()
	u, err := s.st.Users.ByUsername(context.Background(), username)
	if err != nil {
		s.t.Fatal(err)
	}
	return *u
}

func (s *testServer) send(u parley.User, room, text, replyTo string) string {
	s.t.Helper()
	m, err := s.hub.Send(context.Background(), u, rooms.SendRequest{Room: room, Text: text, ClientMsgID: parley.NewID(), ReplyTo: replyTo}, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return m.ID
}

// searchIDs asks GET /api/search and returns the ids and rooms found.
func (s *testServer) searchIDs(token, query string) (ids, rooms []string, more bool) {
	s.t.Helper()
	res := s.do(http.MethodGet, "/api/search?"+query, token, nil)
	if res.Status != http.StatusOK {
		s.t.Fatalf("GET /api/search?%s = %d %s", query, res.Status, res.Raw)
	}
	for _, r := range res.Body["results"].([]any) {
		r := r.(map[string]any)
		ids = append(ids, r["message"].(map[string]any)["id"].(string))
		rooms = append(rooms, r["room"].(map[string]any)["id"].(string))
	}
	return ids, rooms, res.Body["hasMore"].(bool)
}

func TestSearchMessages(t *testing.T) {
	s := newTestServer(t)
	aliceTok := s.register("alice", "password1")
	bobTok := s.register("bob", "password1")
	alice, bob := s.user("alice"), s.user("bob")
	ctx := context.Background()
	secret, err := s.hub.CreateRoom(ctx, alice, "Secret", "", true)
	if err != nil {
		t.Fatal(err)
	}

	m1 := s.send(alice, parley.DefaultRoomID, "The Database is down", "")
	m2 := s.send(bob, parley.DefaultRoomID, "我们的数据库挂了", m1)
	m3 := s.send(alice, secret.ID, "secret database plans", "")
	s.send(alice, parley.DefaultRoomID, "lunch?", "")
	if _, err := s.hub.React(ctx, bob, parley.DefaultRoomID, m2, "👍", true); err != nil {
		t.Fatal(err)
	}

	// A result is the message exactly as history shows it to the caller,
	// beside its room.
	res := s.do(http.MethodGet, "/api/search?q=%20数据库%20", aliceTok, nil)
	hist := s.do(http.MethodGet, "/api/rooms/general/messages", aliceTok, nil)
	if res.Status != http.StatusOK || hist.Status != http.StatusOK {
		t.Fatalf("search %d %s; history %d %s", res.Status, res.Raw, hist.Status, hist.Raw)
	}
	var histM2 any
	for _, m := range hist.Body["messages"].([]any) {
		if m.(map[string]any)["id"] == m2 {
			histM2 = m
		}
	}
	rooms := s.do(http.MethodGet, "/api/rooms/public", aliceTok, nil).Body["rooms"].([]any)
	want := map[string]any{"results": []any{map[string]any{"message": histM2, "room": rooms[0]}}, "hasMore": false}
	if histM2 == nil || !reflect.DeepEqual(res.Body, want) {
		t.Fatalf("search 数据库 = %s\nwant %v", res.Raw, want)
	}
	if m := res.Body["results"].([]any)[0].(map[string]any)["message"].(map[string]any); m["replyTo"] == nil || m["reactions"].([]any)[0].(map[string]any)["me"] != false {
		t.Fatalf("result lacks its quote or reactions: %v", m)
	}

	// Only the caller's rooms, newest first, in pages.
	ids, rs, more := s.searchIDs(aliceTok, "q=DATABASE")
	if !reflect.DeepEqual(ids, []string{m3, m1}) || !reflect.DeepEqual(rs, []string{secret.ID, "general"}) || more {
		t.Fatalf("alice's database = %v in %v (more %v)", ids, rs, more)
	}
	if ids, _, _ := s.searchIDs(bobTok, "q=database"); !reflect.DeepEqual(ids, []string{m1}) {
		t.Fatalf("bob's database = %v, want [m1]", ids)
	}
	ids, _, more = s.searchIDs(aliceTok, "q=database&limit=1")
	if !reflect.DeepEqual(ids, []string{m3}) || !more {
		t.Fatalf("first page = %v (more %v)", ids, more)
	}
	ids, _, more = s.searchIDs(aliceTok, "q=database&limit=1&before="+m3)
	if !reflect.DeepEqual(ids, []string{m1}) || more {
		t.Fatalf("second page = %v (more %v)", ids, more)
	}
	if ids, _, _ := s.searchIDs(aliceTok, "q=database&room=general"); !reflect.DeepEqual(ids, []string{m1}) {
		t.Fatalf("database in general = %v", ids)
	}
	wantError(t, s.do(http.MethodGet, "/api/search?q=database&room="+secret.ID, bobTok, nil), http.StatusNotFound, parley.CodeNotFound)
	wantError(t, s.do(http.MethodGet, "/api/search?q=database&room=nope", bobTok, nil), http.StatusNotFound, parley.CodeNotFound)

	// A room left is no longer searched.
	if err := s.hub.Leave(ctx, bob, parley.DefaultRoomID); err != nil {
		t.Fatal(err)
	}
	if ids, _, _ := s.searchIDs(bobTok, "q=database"); len(ids) != 0 {
		t.Fatalf("bob's database after leaving = %v, want nothing", ids)
	}
	wantError(t, s.do(http.MethodGet, "/api/search?q=database&room=general", bobTok, nil), http.StatusNotFound, parley.CodeNotFound)
}

func TestSearchMessagesBadRequests(t *testing.T) {
	s := newTestServer(t)
	tok := s.register("alice", "password1")
	for _, q := range []string{
		"", "q=", "q=%20%20", "q=" + url.QueryEscape(strings.Repeat("数", 201)),
		"q=a&limit=0", "q=a&limit=51", "q=a&limit=x", "q=a&before=" + parley.NewID(),
	} {
		res := s.do(http.MethodGet, "/api/search?"+q, tok, nil)
		if msg := wantError(t, res, http.StatusBadRequest, parley.CodeBadRequest); msg == "" {
			t.Fatalf("%s: no message", q)
		}
	}
	if ids, _, _ := s.searchIDs(tok, "q="+url.QueryEscape(strings.Repeat("数", 200))); len(ids) != 0 {
		t.Fatalf("200 characters found %v", ids)
	}
	wantError(t, s.do(http.MethodGet, "/api/search?q=a", "", nil), http.StatusUnauthorized, parley.CodeUnauthorized)
	// Every search the hub was asked, answered or refused, is timed: the
	// blank ones, the long one, the unknown before and the 200 characters.
	if got := s.searchesTimed(); got != 6 {
		t.Fatalf("parley_search_seconds counted %d searches, want 6", got)
	}
}

// searchesTimed reads the sample count of parley_search_seconds.
func (s *testServer) searchesTimed() uint64 {
	s.t.Helper()
	mfs, err := s.reg.Gatherer().Gather()
	if err != nil {
		s.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "parley_search_seconds" {
			return mf.GetMetric()[0].GetHistogram().GetSampleCount()
		}
	}
	s.t.Fatal("parley_search_seconds is not exported")
	return 0
}
