package rooms_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/parleytest"
	"github.com/parley-chat/parley/parleytest/redistest"
	"github.com/parley-chat/parley/ratelimit"
	"github.com/parley-chat/parley/rooms"
)

// BenchmarkSend is one message:send through the hub on the embedded store:
// validation, membership, filter, mentions, the durable append and the
// hand-off to the emitter (a recorder, so no socket writes). "plain" is the
// common message; "mentions" names two members and a name nobody has.
// "plain-redis-limit" is "plain" with the send limit kept in the local
// Redis (package ratelimit), as a cluster keeps it: the difference is what
// the shared limit adds to a send.
func BenchmarkSend(b *testing.B) {
	b.Run("plain", func(b *testing.B) { benchmarkSend(b, "lunch at noon, anyone?", nil) })
	b.Run("plain-redis-limit", func(b *testing.B) {
		benchmarkSend(b, "lunch at noon, anyone?", redisLimiter(b))
	})
	b.Run("mentions", func(b *testing.B) { benchmarkSend(b, "lunch at noon, @bob and @carol? (not @nobody)", nil) })
	b.Run("parallel", func(b *testing.B) { benchmarkSend(b, "", nil) })
}

// redisLimiter is a send limit nobody reaches, kept in the local Redis
// under a prefix of its own.
func redisLimiter(b *testing.B) rooms.RateLimiter {
	rdb := redistest.Client(b)
	cluster := ratelimit.New(ratelimit.Config{Client: rdb, Prefix: "parley-bench-" + parley.NewID(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return cluster.Limiter("send", 1e9, 1<<30, rooms.NewLimiter(1e9, 1<<30, nil))
}

func benchmarkSend(b *testing.B, text string, limiter rooms.RateLimiter) {
	ctx := context.Background()
	st := parleytest.Store(b)
	parleytest.Seed(b, st)
	hub := rooms.New(rooms.Config{
		Store: st, Emitter: parleytest.NewRecorder(), SendRate: 1e9, SendBurst: 1 << 30, Limiter: limiter,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	b.Cleanup(hub.Close)
	var alice parley.User
	for _, name := range []string{"alice", "bob", "carol"} {
		u := parley.User{ID: parley.NewID(), Username: name, DisplayName: name, Kind: parley.KindHuman}
		if err := st.Users.Create(ctx, &u); err != nil {
			b.Fatal(err)
		}
		if err := hub.Welcome(ctx, u); err != nil {
			b.Fatal(err)
		}
		if name == "alice" {
			alice = u
		}
	}
	b.ReportAllocs()
	if text == "" {
		// Many senders at once, as in a busy room: appends share group
		// commits, so what is left per send is its CPU and its reads.
		var n atomic.Int64
		b.SetParallelism(32)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req := rooms.SendRequest{Room: parley.DefaultRoomID, Text: "lunch at noon, anyone?", ClientMsgID: "p" + strconv.FormatInt(n.Add(1), 10)}
				if _, err := hub.Send(ctx, alice, req, nil); err != nil {
					b.Error(err)
					return
				}
			}
		})
		return
	}
	i := 0
	for b.Loop() {
		i++
		req := rooms.SendRequest{Room: parley.DefaultRoomID, Text: text, ClientMsgID: "c" + strconv.Itoa(i)}
		if _, err := hub.Send(ctx, alice, req, nil); err != nil {
			b.Fatal(err)
		}
	}
}
