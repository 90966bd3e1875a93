package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/parleytest/redistest"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/store/sqlite"
	goredis "github.com/redis/go-redis/v9"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// socketsLog is a rooms.Emitter that notes what happens to this node's
// sockets' rooms (parleytest's Recorder would import app).
type socketsLog struct {
	mu  sync.Mutex
	log []string
}

func (s *socketsLog) add(v string) {
	s.mu.Lock()
	s.log = append(s.log, v)
	s.mu.Unlock()
}

func (s *socketsLog) get() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

func (*socketsLog) Emit(rooms.Target, string, any)            {}
func (*socketsLog) EmitCounted(rooms.Target, string, any) int { return 0 }
func (s *socketsLog) JoinRoom(userID, roomID string)          { s.add("join " + userID + " " + roomID) }
func (s *socketsLog) LeaveRoom(userID, roomID string)         { s.add("leave " + userID + " " + roomID) }

// testHub is a hub over a fresh store whose sockets are e.
func testHub(t *testing.T, e rooms.Emitter) *rooms.Hub {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{Path: filepath.Join(t.TempDir(), "parley.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Backend.Close() })
	h := rooms.New(rooms.Config{Store: st, Emitter: e, Logger: quietLog()})
	t.Cleanup(h.Close)
	return h
}

// A membership change that Redis does not take is reported, within the
// bound, and queued; a newer change of the same membership replaces it.
func TestPeersReportAChangeRedisDidNotTake(t *testing.T) {
	client := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1"}) // nothing listens there
	defer client.Close()
	p := newRedisPeers(client, "parley-test-"+parley.NewID(), monitoring.NewRegistry(), quietLog())
	p.timeout = 300 * time.Millisecond
	ctx := context.Background()
	if err := p.MembershipEnded(ctx, "r1", "carol"); err == nil {
		t.Fatal("MembershipEnded with Redis down = nil, want an error")
	}
	if err := p.MembershipStarted(ctx, "r1", "carol"); err == nil {
		t.Fatal("MembershipStarted with Redis down = nil, want an error")
	}
	want := map[retryKey]retryEntry{{"r1", "carol"}: {kind: noticeStarted, seq: 2}}
	if got := p.retry.snapshot(); !reflect.DeepEqual(got, want) {
		t.Errorf("queued %v, want only the newer change %v", got, want)
	}
}

// A queued change is sent again in the background until every node
// confirmed it: node B's sockets of the user leave the room.
func TestPeersRetryAQueuedChange(t *testing.T) {
	url := redistest.URL(t)
	opts, _ := goredis.ParseURL(url)
	prefix := "parley-test-" + parley.NewID()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clientA, clientB := goredis.NewClient(opts), goredis.NewClient(opts)
	defer clientA.Close()
	defer clientB.Close()
	a := newRedisPeers(clientA, prefix, monitoring.NewRegistry(), quietLog())
	b := newRedisPeers(clientB, prefix, monitoring.NewRegistry(), quietLog())
	socketsB := &socketsLog{}
	hubA, hubB := testHub(t, &socketsLog{}), testHub(t, socketsB)
	go b.listen(ctx, hubB)
	// A change that failed before node A listened (Redis was down).
	a.retry.settle(retryKey{"r1", "carol"}, retryEntry{kind: noticeEnded, seq: a.retry.next()}, errors.New("connection refused"), quietLog())
	// Node B must be subscribed before the retry, or it would not count.
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := clientA.PubSubNumSub(ctx, a.channel).Result()
		if err == nil && n[a.channel] == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node B did not subscribe: %v %v", n, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	go a.listen(ctx, hubA)
	for a.retry.size() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the queued change was not confirmed within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got, want := socketsB.get(), []string{"leave carol r1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("node B's sockets: %v, want %v", got, want)
	}
}
