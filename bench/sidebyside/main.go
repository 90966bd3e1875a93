// Command sidebyside measures Parley side by side with the reference a team
// would otherwise pick, a plain Node.js socket.io 4 server
// (bench/reference), under the same load from bench/loadgen, and prints one
// table of the figures with their ratios. `make bench` runs it; see
// docs/benchmarks.md for the method and what the figures mean.
//
//	go run ./bench/sidebyside                      # everything, ~8 minutes
//	go run ./bench/sidebyside -mode fanout -pin pinned
//	go run ./bench/sidebyside -short               # a quick look, ~2 minutes
//
// It builds Parley and the generator, installs the reference's npm
// dependencies when missing, starts each server on 127.0.0.1 on a free port
// with a fresh data directory for each mode, and stops every process it
// started when it ends, fails or is interrupted.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/parley-chat/parley/bench/internal/report"
)

type options struct {
	modes   []string
	pins    []string
	servers []string
	out     string
	// genArgs are passed to every loadgen run after the driver's own, so
	// they override them.
	genArgs []string
	short   bool
	table   string
	rates   string
	// headroom is a rate offered to the reference only, past Parley's
	// saturation, to show what the generator can drive.
	headroom float64
}

// Results is what latest.json holds.
type Results struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Machine  Machine   `json:"machine"`
	// Runs are keyed by pin ("pinned", "unpinned"), then mode, then server.
	Runs map[string]map[string]map[string]*report.Run `json:"runs"`
	// Args are the loadgen flags every run got beyond the defaults.
	Args []string `json:"loadgen_args"`
}

func main() {
	log.SetFlags(log.Ltime)
	log.SetPrefix("sidebyside: ")
	var o options
	var modes, pins, servers, genArgs string
	flag.StringVar(&modes, "mode", "fanout,idle,churn", "modes to run: fanout, idle, churn (comma-separated)")
	flag.StringVar(&pins, "pin", "pinned,unpinned", "pinned (server on core 0 with GOMAXPROCS=1 for Parley, load on core 1), unpinned, or both")
	flag.StringVar(&servers, "servers", "parley,reference", "servers to measure")
	flag.StringVar(&o.out, "out", "bench/results/latest.json", "raw results (JSON)")
	flag.StringVar(&o.rates, "rates", "300,1000,2000,4000", "fan-out: offered message rates (msg/s), one 10 s phase each, offered to every server")
	flag.Float64Var(&o.headroom, "headroom", 0, "fan-out: one more rate offered to the reference only, to show the load generator is not the limit (0: none)")
	flag.BoolVar(&o.short, "short", false, "shorter runs: 3s per rate, 2,000 idle sockets, 2,000 churn cycles")
	flag.StringVar(&o.table, "table", "", "print the table of a saved results file (e.g. bench/results/latest.json) and run nothing")
	flag.StringVar(&genArgs, "loadgen", "", "extra loadgen flags, space-separated, e.g. \"-rates 300,3000 -duration 5s\"")
	flag.Parse()
	o.modes = split(modes)
	o.pins = split(pins)
	o.servers = split(servers)
	o.genArgs = strings.Fields(genArgs)
	for _, m := range o.modes {
		if !slices.Contains([]string{"fanout", "idle", "churn"}, m) {
			log.Fatalf("unknown mode %q", m)
		}
	}
	for _, p := range o.pins {
		if p != "pinned" && p != "unpinned" {
			log.Fatalf("unknown pin %q (pinned or unpinned)", p)
		}
	}
	for _, s := range o.servers {
		if s != "parley" && s != "reference" {
			log.Fatalf("unknown server %q (parley or reference)", s)
		}
	}

	if o.table != "" {
		data, err := os.ReadFile(o.table)
		if err != nil {
			log.Fatal(err)
		}
		var res Results
		if err := json.Unmarshal(data, &res); err != nil {
			log.Fatalf("%s: %v", o.table, err)
		}
		fmt.Print(render(&res))
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		log.Printf("%v", err)
		stop()
		os.Exit(1)
	}
}

func split(s string) []string {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func run(ctx context.Context, o options) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if err := os.Chdir(root); err != nil {
		return err
	}
	if slices.Contains(o.pins, "pinned") {
		if err := canPin(); err != nil {
			return err
		}
	}
	raiseFileLimit()
	paths, err := prepare(ctx, root, o.servers)
	if err != nil {
		return err
	}
	res := &Results{Started: time.Now().UTC(), Runs: map[string]map[string]map[string]*report.Run{}}
	res.Machine = describeMachine(root)
	res.Args = append(modeArgs(o.short), o.genArgs...)
	log.Printf("machine: %d cores, %s; load average before: %s", res.Machine.Cores, res.Machine.CPU, res.Machine.LoadBefore)

	var failed []string
	for _, pin := range o.pins {
		res.Runs[pin] = map[string]map[string]*report.Run{}
		for _, mode := range o.modes {
			res.Runs[pin][mode] = map[string]*report.Run{}
			for _, srv := range o.servers {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				log.Printf("%s, %s: %s", pin, mode, srv)
				args := slices.Clone(res.Args)
				if mode == "fanout" {
					rates := o.rates
					if srv == "reference" && o.headroom > 0 {
						rates += fmt.Sprintf(",%g", o.headroom)
					}
					args = append([]string{"-rates", rates}, args...)
				}
				r, err := measure(ctx, paths, srv, mode, pin == "pinned", args)
				if err != nil {
					log.Printf("%s %s %s: %v", pin, mode, srv, err)
					failed = append(failed, fmt.Sprintf("%s/%s/%s", pin, mode, srv))
					if r == nil {
						r = &report.Run{Server: srv, Mode: mode, Error: err.Error()}
					}
				}
				res.Runs[pin][mode][srv] = r
			}
		}
	}
	res.Finished = time.Now().UTC()
	res.Machine.LoadAfter = loadAverage()

	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.out, append(data, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Print(render(res))
	log.Printf("raw results: %s", o.out)
	if len(failed) > 0 {
		return fmt.Errorf("runs with errors: %s", strings.Join(failed, ", "))
	}
	return nil
}

// modeArgs are the loadgen flags of a run of the given length.
func modeArgs(short bool) []string {
	if !short {
		return nil
	}
	return []string{"-duration", "3s", "-drain", "5s", "-idle-sockets", "2000", "-idle-hold", "3s", "-churn-cycles", "2000", "-churn-settle", "4s"}
}
