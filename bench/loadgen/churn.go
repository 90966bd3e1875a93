package main

import (
	"context"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-chat/parley/bench/internal/eio"
	"github.com/parley-chat/parley/bench/internal/report"
)

// runChurn opens and closes o.churnCycles sockets, o.churnConcurrency at a
// time, each one a full Socket.IO connect (authenticated) and a polite
// close, then watches whether the server gives back what they took.
func runChurn(ctx context.Context, o options, t target) (*report.Churn, error) {
	res := &report.Churn{Cycles: o.churnCycles, Concurrency: o.churnConcurrency, GoroutinesBackS: -1}
	users, err := t.users(ctx, "churn", o.churnConcurrency)
	if err != nil {
		return nil, err
	}
	sleep(ctx, o.settle)
	if res.BaselineKiB, err = rssKiB(o.pid); err != nil {
		return nil, err
	}
	res.GoroutinesBaseline = goroutines(ctx, t)

	// The peak is sampled, so a spike shorter than the period may be missed.
	samplerDone := make(chan struct{})
	stopSampler := make(chan struct{})
	var peak atomic.Int64
	peak.Store(res.BaselineKiB)
	go func() {
		defer close(samplerDone)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				if v, err := rssKiB(o.pid); err == nil && v > peak.Load() {
					peak.Store(v)
				}
			case <-stopSampler:
				return
			case <-ctx.Done():
				return
			}
		}
	}()

	d := eio.NewDialer()
	var fails atomic.Int64
	var firstErr atomic.Value
	lat := make([][]int32, o.churnConcurrency)
	perWorker := o.churnCycles / o.churnConcurrency
	cpu := startCPU(o.pid)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range o.churnConcurrency {
		wg.Go(func() {
			for range perWorker {
				if ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				c, err := d.Dial(cctx, o.url, users[w].token)
				cancel()
				if err != nil {
					fails.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				lat[w] = append(lat[w], int32(time.Since(t0).Microseconds()))
				_ = c.Hangup(2 * time.Second)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	res.CPU = cpu.stop()
	res.Cycles = perWorker * o.churnConcurrency
	res.Failures = int(fails.Load())
	if e := firstErr.Load(); e != nil {
		res.FailSample = e.(string)
	}
	res.ElapsedS = round3(elapsed.Seconds())
	res.ConnectsPerS = round3(float64(res.Cycles-res.Failures) / elapsed.Seconds())
	var all []int32
	for _, l := range lat {
		all = append(all, l...)
	}
	res.Connect = latency(all, 0)
	log.Printf("churn: %d cycles in %.1fs (%.0f/s), %d failed; settling %s", res.Cycles, res.ElapsedS, res.ConnectsPerS, res.Failures, o.churnSettle)

	// A fixed wait for both servers, so their RSS is read at the same age;
	// goroutines are polled through it.
	settleStart := time.Now()
	for time.Since(settleStart) < o.churnSettle && ctx.Err() == nil {
		if res.GoroutinesBaseline >= 0 && res.GoroutinesBackS < 0 {
			g := goroutines(ctx, t)
			res.GoroutinesAfter = g
			if g >= 0 && g <= res.GoroutinesBaseline {
				res.GoroutinesBackS = round3(time.Since(settleStart).Seconds())
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	res.SettleS = round3(time.Since(settleStart).Seconds())
	if res.GoroutinesBaseline >= 0 {
		res.GoroutinesAfter = goroutines(ctx, t)
	} else {
		res.GoroutinesAfter = -1
	}
	if res.AfterKiB, err = rssKiB(o.pid); err != nil {
		return nil, err
	}
	close(stopSampler)
	<-samplerDone
	res.PeakKiB = peak.Load()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return res, nil
}
