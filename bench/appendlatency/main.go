// Command appendlatency offers a steady rate of messages to the embedded
// store through a group committer and reports the append (ack) latency
// distribution: the time from when a message was due to be sent to when
// its append returned, so a backlog counts against the store rather than
// hiding it (an open-loop load, free of coordinated omission).
//
//	go run ./bench/appendlatency -rate 2000 -duration 5s
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/groupcommit"
	"github.com/parley-chat/parley/store/sqlite"
)

type options struct {
	db       string
	rate     int
	duration time.Duration
	senders  int
	rooms    int
	direct   bool
	maxBatch int
	maxDelay time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.db, "db", "", "database file (default: a new file in a temporary directory, removed afterwards)")
	flag.IntVar(&o.rate, "rate", 2000, "messages offered per second")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "how long to offer them")
	flag.IntVar(&o.senders, "senders", 200, "concurrent senders, each its own user (like connections)")
	flag.IntVar(&o.rooms, "rooms", 10, "rooms the messages are spread over")
	flag.BoolVar(&o.direct, "direct", false, "append each message in its own transaction instead of through the committer")
	flag.IntVar(&o.maxBatch, "maxbatch", 0, "committer MaxBatch (0: its default)")
	flag.DurationVar(&o.maxDelay, "maxdelay", 0, "committer MaxDelay")
	flag.Parse()
	if err := run(o); err != nil {
		log.Fatal(err)
	}
}

func run(o options) error {
	if o.rate <= 0 || o.senders <= 0 || o.rooms <= 0 || o.duration <= 0 {
		return fmt.Errorf("rate, senders, rooms and duration must be positive")
	}
	ctx := context.Background()
	path := o.db
	if path == "" {
		dir, err := os.MkdirTemp("", "appendlatency")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "parley.db")
	}
	s, err := sqlite.Open(ctx, sqlite.Config{Path: path})
	if err != nil {
		return err
	}
	defer s.Backend.Close()

	users, rooms, err := setup(ctx, s, o.senders, o.rooms)
	if err != nil {
		return err
	}

	var batched atomic.Int64
	var commitsMu sync.Mutex
	var commits []time.Duration // how long each batch's transaction took
	c := groupcommit.New(s.Messages, groupcommit.Config{
		MaxBatch: o.maxBatch,
		MaxDelay: o.maxDelay,
		Observe: func(n int, took time.Duration, _ error) {
			batched.Add(int64(n))
			commitsMu.Lock()
			commits = append(commits, took)
			commitsMu.Unlock()
		},
	})
	defer c.Close()
	appendOne := func(m parley.Message) error {
		_, err := c.Append(ctx, m)
		return err
	}
	if o.direct {
		appendOne = func(m parley.Message) error {
			res, err := s.Messages.Append(ctx, []parley.Message{m})
			if err == nil {
				err = res[0].Err
			}
			return err
		}
	}

	total := int(float64(o.rate) * o.duration.Seconds())
	interval := time.Second / time.Duration(o.rate)
	due := make(chan time.Time, total)
	latencies := make([][]time.Duration, o.senders)
	var failures atomic.Int64
	var wg sync.WaitGroup
	for g := range o.senders {
		wg.Go(func() {
			sent := 0
			for t := range due {
				sent++
				key := fmt.Sprintf("c-%d-%d", g, sent)
				err := appendOne(parley.Message{
					ID:          parley.NewID(),
					RoomID:      rooms[(g+sent)%len(rooms)],
					SenderID:    users[g],
					Text:        "a message of typical length, about sixty characters long",
					ClientMsgID: key,
				})
				if err != nil {
					failures.Add(1)
					continue
				}
				latencies[g] = append(latencies[g], time.Since(t))
			}
		})
	}

	// Release each message at its due time; a sender that is free picks it
	// up. The latency clock starts at the due time, not the pick-up.
	start := time.Now()
	for i := 0; i < total; {
		now := time.Now()
		for ; i < total; i++ {
			at := start.Add(time.Duration(i) * interval)
			if at.After(now) {
				break
			}
			due <- at
		}
		time.Sleep(200 * time.Microsecond)
	}
	close(due)
	wg.Wait()
	elapsed := time.Since(start)

	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	slices.Sort(all)
	mode := "group commit"
	if o.direct {
		mode = "one transaction per message"
	}
	fmt.Printf("mode:      %s, %d senders, %d rooms\n", mode, o.senders, o.rooms)
	fmt.Printf("offered:   %d msg/s for %v (%d messages)\n", o.rate, o.duration, total)
	fmt.Printf("achieved:  %.0f msg/s, %d stored, %d failed\n", float64(len(all))/elapsed.Seconds(), len(all), failures.Load())
	commitsMu.Lock()
	slices.Sort(commits)
	if n := len(commits); n > 0 && !o.direct {
		fmt.Printf("batches:   %d, mean size %.1f, commit p50 %v p99 %v max %v\n", n,
			float64(batched.Load())/float64(n), pct(commits, 50), pct(commits, 99), commits[n-1])
	}
	commitsMu.Unlock()
	if len(all) > 0 {
		fmt.Printf("latency:   p50 %v  p90 %v  p99 %v  p99.9 %v  max %v\n",
			pct(all, 50), pct(all, 90), pct(all, 99), pct(all, 99.9), all[len(all)-1])
	}
	return nil
}

// setup creates one user per sender and the rooms, with every user a
// member of every room, as in a busy deployment.
func setup(ctx context.Context, s *store.Store, nUsers, nRooms int) (users, rooms []string, err error) {
	for i := range nUsers {
		u := parley.User{ID: parley.NewID(), Username: fmt.Sprintf("user%d", i), Kind: parley.KindHuman}
		if err := s.Users.Create(ctx, &u); err != nil {
			return nil, nil, err
		}
		users = append(users, u.ID)
	}
	for i := range nRooms {
		r := parley.Room{ID: parley.NewID(), Name: fmt.Sprintf("room%d", i)}
		if err := s.Rooms.Create(ctx, &r, users[0]); err != nil {
			return nil, nil, err
		}
		for _, u := range users[1:] {
			if _, err := s.Memberships.Add(ctx, parley.Membership{RoomID: r.ID, UserID: u}); err != nil {
				return nil, nil, err
			}
		}
		rooms = append(rooms, r.ID)
	}
	return users, rooms, nil
}

// pct is the p-th percentile of sorted durations, rounded for reading.
func pct(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i].Round(10 * time.Microsecond)
}
