// Command loadgen is the load generator of the side-by-side benchmark
// (bench/sidebyside): clients with the official protocol (Socket.IO v5 over
// Engine.IO v4, WebSocket) against a Parley node or the Node.js reference
// (bench/reference), in one of three modes:
//
//   - fanout: U users x S sockets in R rooms; every user sends round-robin
//     at a fixed offered rate (open loop: a message's latency counts from
//     when it was due, so a backlog is not hidden), every message with an
//     ack and broadcast to its room; one phase per rate.
//   - idle: N sockets connected and idle; the server's RSS per connection.
//   - churn: C connect/disconnect cycles, K at a time; the connect rate,
//     and whether the server's RSS and goroutines come back.
//
// It prints one JSON result (report.Run) on stdout; progress goes to stderr.
//
//	go run ./bench/loadgen -server parley -url http://127.0.0.1:8080 -pid $(pidof parley) -mode fanout
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/parley-chat/parley/bench/internal/report"
)

type options struct {
	server string
	url    string
	pid    int
	mode   string

	users          int
	socketsPerUser int
	rooms          int
	rates          []float64
	duration       time.Duration
	warmup         time.Duration
	warmupRate     float64
	drain          time.Duration

	idleSockets int
	idleUsers   int
	idleHold    time.Duration

	churnCycles      int
	churnConcurrency int
	churnSettle      time.Duration

	settle time.Duration
}

func main() {
	log.SetFlags(log.Ltime)
	log.SetPrefix("loadgen: ")
	var o options
	var rates string
	flag.StringVar(&o.server, "server", "parley", "parley or reference: how users and rooms are made")
	flag.StringVar(&o.url, "url", "", "the server's base URL, e.g. http://127.0.0.1:8080 (loopback only)")
	flag.IntVar(&o.pid, "pid", 0, "the server's process id, for RSS and CPU (0: not measured)")
	flag.StringVar(&o.mode, "mode", "fanout", "fanout, idle or churn")
	flag.IntVar(&o.users, "users", 100, "fanout: users, all sending")
	flag.IntVar(&o.socketsPerUser, "sockets-per-user", 10, "fanout: sockets per user")
	flag.IntVar(&o.rooms, "rooms", 10, "fanout: rooms (users are split evenly)")
	flag.StringVar(&rates, "rates", "300,1000,2000", "fanout: offered message rates (msg/s), one phase each")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "fanout: how long each rate is offered")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "fanout: warm-up before the phases (not reported in the table)")
	flag.Float64Var(&o.warmupRate, "warmup-rate", 200, "fanout: warm-up rate (msg/s)")
	flag.DurationVar(&o.drain, "drain", 10*time.Second, "fanout: how long a phase waits for its deliveries after the last send")
	flag.IntVar(&o.idleSockets, "idle-sockets", 10000, "idle: sockets")
	flag.IntVar(&o.idleUsers, "idle-users", 100, "idle: users the sockets belong to (few, so that presence announcements on connect stay out of the measure)")
	flag.DurationVar(&o.idleHold, "idle-hold", 5*time.Second, "idle: how long the sockets stay idle before RSS is read")
	flag.IntVar(&o.churnCycles, "churn-cycles", 10000, "churn: connect/disconnect cycles")
	flag.IntVar(&o.churnConcurrency, "churn-concurrency", 100, "churn: cycles at a time (each its own user)")
	flag.DurationVar(&o.churnSettle, "churn-settle", 8*time.Second, "churn: wait after the last cycle before RSS is read")
	flag.DurationVar(&o.settle, "settle", 2*time.Second, "idle, churn: wait after registering users before the baseline")
	flag.Parse()

	for f := range strings.SplitSeq(rates, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || r <= 0 {
			log.Fatalf("bad rate %q", f)
		}
		o.rates = append(o.rates, r)
	}
	if err := checkLoopback(o.url); err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	res := report.Run{Server: o.server, Mode: o.mode}
	err := run(ctx, o, &res)
	if err != nil {
		res.Error = err.Error()
		log.Printf("%s %s: %v", o.server, o.mode, err)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if e := enc.Encode(res); e != nil {
		log.Fatal(e)
	}
	if err != nil {
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, res *report.Run) error {
	t, err := newTarget(o.server, o.url)
	if err != nil {
		return err
	}
	// Overall bound: nothing here should take more than a few minutes, and
	// a stuck server must not hold the benchmark forever.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	switch o.mode {
	case "fanout":
		res.Fanout, err = runFanout(ctx, o, t)
	case "idle":
		res.Idle, err = runIdle(ctx, o, t)
	case "churn":
		res.Churn, err = runChurn(ctx, o, t)
	default:
		return fmt.Errorf("unknown mode %q", o.mode)
	}
	if m, merr := t.metrics(context.Background()); merr == nil {
		res.ServerMetrics = keepMetrics(m)
	}
	return err
}
