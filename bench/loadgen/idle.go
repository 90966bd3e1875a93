package main

import (
	"context"
	"fmt"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-chat/parley/bench/internal/eio"
	"github.com/parley-chat/parley/bench/internal/report"
)

// runIdle connects o.idleSockets sockets that then only answer pings, and
// reads what they cost the server: RSS (and goroutines, for Parley) with
// them open, minus the same before the first one opened.
func runIdle(ctx context.Context, o options, t target) (*report.Idle, error) {
	res := &report.Idle{Sockets: o.idleSockets, Users: o.idleUsers, GoroutinesBaseline: -1, GoroutinesLoaded: -1}
	users, err := t.users(ctx, "idle", o.idleUsers)
	if err != nil {
		return nil, err
	}
	// The registrations' garbage is collected before the baseline, as far
	// as waiting does it.
	sleep(ctx, o.settle)
	if res.BaselineKiB, err = rssKiB(o.pid); err != nil {
		return nil, err
	}
	res.GoroutinesBaseline = goroutines(ctx, t)

	var closing atomic.Bool
	var disconnects, fails atomic.Int64
	var firstErr atomic.Value
	conns := make([]*eio.Conn, o.idleSockets)
	d := eio.NewDialer()
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range 64 {
		wg.Go(func() {
			for i := range next {
				cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
				// Socket i belongs to user i mod U: the first U sockets are
				// each user's first, so a server that announces presence
				// does it while few sockets are there to hear it.
				c, err := d.Dial(cctx, o.url, users[i%len(users)].token)
				cancel()
				if err != nil {
					fails.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				conns[i] = c
				go func() {
					c.Run()
					if !closing.Load() {
						disconnects.Add(1)
					}
				}()
			}
		})
	}
	for i := range o.idleSockets {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	res.ConnectS = round3(time.Since(start).Seconds())
	res.ConnectFails = int(fails.Load())
	res.Connected = o.idleSockets - res.ConnectFails
	if e := firstErr.Load(); e != nil {
		log.Printf("idle: %d connections failed, first: %s", res.ConnectFails, e)
	}
	log.Printf("idle: %d sockets connected in %.1fs; holding %s", res.Connected, res.ConnectS, o.idleHold)

	sleep(ctx, o.idleHold)
	res.HoldS = o.idleHold.Seconds()
	if res.LoadedKiB, err = rssKiB(o.pid); err != nil {
		return nil, err
	}
	res.GoroutinesLoaded = goroutines(ctx, t)
	res.Disconnects = int(disconnects.Load())
	if res.Connected > 0 {
		res.PerConnKiB = round3(float64(res.LoadedKiB-res.BaselineKiB) / float64(res.Connected))
		if res.GoroutinesBaseline >= 0 {
			res.GoroutinesPerConn = round3(float64(res.GoroutinesLoaded-res.GoroutinesBaseline) / float64(res.Connected))
		}
	}

	closing.Store(true)
	sem := make(chan struct{}, 64)
	for _, c := range conns {
		if c == nil {
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			_ = c.Close()
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if res.Connected == 0 {
		return res, fmt.Errorf("no socket connected")
	}
	return res, nil
}

// goroutines is the server's go_goroutines, or -1 without one.
func goroutines(ctx context.Context, t target) int {
	m, err := t.metrics(ctx)
	if err != nil || m == nil {
		return -1
	}
	g, ok := m["go_goroutines"]
	if !ok {
		return -1
	}
	return int(g)
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}
