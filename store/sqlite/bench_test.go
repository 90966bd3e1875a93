package sqlite_test

import (
	"crypto/rand"
	"fmt"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/groupcommit"
)

// Both append benchmarks drive one room from many goroutines (the hot-room
// worst case: every message contends for the same seq) and report msgs/s.
// Run with e.g.
//
//	go test ./store/sqlite -run '^$' -bench 'Append' -benchtime 5s

// benchParallelism is goroutines per GOMAXPROCS: chat load is many
// connections each waiting on its own ack.
const benchParallelism = 64

func BenchmarkAppendGroupCommit(b *testing.B) {
	s, room, user := benchStore(b)
	c := groupcommit.New(s.Messages, groupcommit.Config{})
	defer c.Close()
	benchAppend(b, room, user, func(m parley.Message) error {
		_, err := c.Append(b.Context(), m)
		return err
	})
}

func BenchmarkAppendOneTxPerMessage(b *testing.B) {
	s, room, user := benchStore(b)
	benchAppend(b, room, user, func(m parley.Message) error {
		res, err := s.Messages.Append(b.Context(), []parley.Message{m})
		if err == nil {
			err = res[0].Err
		}
		return err
	})
}

// BenchmarkAppendGroupCommitIDOrder shows what the order of message ids
// costs: every id goes into a unique index, and random ids land on a
// random index page each, which the commit must write, while
// time-ordered ids all land on the index's last page.
func BenchmarkAppendGroupCommitIDOrder(b *testing.B) {
	for _, v := range []struct {
		name  string
		newID func(n int64) string
	}{
		{"random", func(int64) string { return rand.Text() }},
		{"parley.NewID", func(int64) string { return parley.NewID() }},
		{"time-ordered", func(n int64) string { return fmt.Sprintf("%012x%020x", time.Now().UnixMilli(), n) }},
	} {
		b.Run(v.name, func(b *testing.B) {
			s, room, user := benchStore(b)
			c := groupcommit.New(s.Messages, groupcommit.Config{})
			defer c.Close()
			benchAppendIDs(b, room, user, v.newID, func(m parley.Message) error {
				_, err := c.Append(b.Context(), m)
				return err
			})
		})
	}
}

func benchAppend(b *testing.B, roomID, userID string, appendOne func(parley.Message) error) {
	benchAppendIDs(b, roomID, userID, func(int64) string { return parley.NewID() }, appendOne)
}

func benchAppendIDs(b *testing.B, roomID, userID string, newID func(int64) string, appendOne func(parley.Message) error) {
	var n atomic.Int64
	b.SetParallelism(benchParallelism)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			seq := n.Add(1)
			i := strconv.FormatInt(seq, 10)
			m := parley.Message{ID: newID(seq), RoomID: roomID, SenderID: userID,
				Text: "hello, this is message " + i, ClientMsgID: "c" + i}
			if err := appendOne(m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func benchStore(b *testing.B) (*store.Store, string, string) {
	b.Helper()
	s, err := sqliteOpen(b, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	u := parley.User{ID: parley.NewID(), Username: "bench", Kind: parley.KindHuman}
	if err := s.Users.Create(b.Context(), &u); err != nil {
		b.Fatal(err)
	}
	r := parley.Room{ID: parley.NewID(), Name: "bench"}
	if err := s.Rooms.Create(b.Context(), &r, u.ID); err != nil {
		b.Fatal(err)
	}
	return s, r.ID, u.ID
}
