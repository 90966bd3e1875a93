package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-chat/parley/bench/internal/report"
)

// better says which way a row improves; none marks a row with no ratio.
type better int

const (
	none better = iota
	higher
	lower
)

// row is one line of the table: a metric read from each server's run.
type row struct {
	name  string
	dir   better
	value func(*report.Run) (float64, bool)
	// text, when set, formats a cell instead of the number.
	text func(*report.Run) string
	// latency marks percentiles, where -1 means the percentile falls among
	// deliveries that had not arrived when the phase stopped waiting.
	latency bool
}

// render prints one table: a heading row per configuration, then each
// mode's rows, then what else the reader needs to judge the figures.
func render(res *Results) string {
	var b strings.Builder
	m := res.Machine
	fmt.Fprintf(&b, "\nParley side by side with the reference (Node.js socket.io %s)\n", m.SocketIO)
	fmt.Fprintf(&b, "machine: %d cores, %s, %s; %s; node %s; commit %s\n", m.Cores, m.CPU, m.MemTotal, m.Go, m.Node, m.Commit)
	fmt.Fprintf(&b, "load average (1, 5, 15 min): %s before, %s after\n", m.LoadBefore, m.LoadAfter)
	if len(res.Args) > 0 {
		fmt.Fprintf(&b, "loadgen flags: %s\n", strings.Join(res.Args, " "))
	}
	b.WriteString("\n| metric | Parley | reference | ratio Parley/reference |\n")
	b.WriteString("| --- | ---: | ---: | --- |\n")
	var notes []string
	for _, pin := range []string{"pinned", "unpinned"} {
		runs := res.Runs[pin]
		if runs == nil {
			continue
		}
		if pin == "pinned" {
			b.WriteString("| **pinned**: server on core 0 (Parley with GOMAXPROCS=1), load generator on core 1 | | | |\n")
		} else {
			b.WriteString("| **unpinned**: server and load generator share both cores (Parley with GOMAXPROCS=2) | | | |\n")
		}
		for _, mode := range []string{"fanout", "idle", "churn"} {
			byServer := runs[mode]
			if byServer == nil {
				continue
			}
			rows := append(rowsFor(mode, byServer), row{
				name: mode + ": CPU used meanwhile by other processes on the machine (cores)",
				value: func(r *report.Run) (float64, bool) {
					if r.OtherCPU == nil {
						return 0, false
					}
					return *r.OtherCPU, true
				},
			})
			for _, r := range rows {
				p, ref := byServer["parley"], byServer["reference"]
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.name, cell(r, p), cell(r, ref), ratio(r, p, ref))
			}
			for _, srv := range []string{"parley", "reference"} {
				r := byServer[srv]
				if r == nil {
					continue
				}
				if len(r.OtherTop) > 0 {
					notes = append(notes, fmt.Sprintf("%s %s %s: other processes busiest meanwhile (cores): %s", pin, mode, srv, strings.Join(r.OtherTop, ", ")))
				}
				if r.Error != "" {
					notes = append(notes, fmt.Sprintf("%s %s %s FAILED: %s", pin, mode, srv, r.Error))
				}
			}
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			b.WriteString(n + "\n")
		}
	}
	return b.String()
}

func cell(r row, run *report.Run) string {
	if run == nil {
		return "–"
	}
	if r.text != nil {
		return r.text(run)
	}
	v, ok := r.value(run)
	if !ok {
		return "–"
	}
	if v < 0 && r.latency {
		return "not delivered by the deadline"
	}
	return num(v)
}

func ratio(r row, p, ref *report.Run) string {
	if r.dir == none || p == nil || ref == nil || r.value == nil {
		return ""
	}
	a, ok1 := r.value(p)
	c, ok2 := r.value(ref)
	if !ok1 || !ok2 || (r.latency && (a < 0 || c < 0)) {
		return ""
	}
	dir := "higher is better"
	if r.dir == lower {
		dir = "lower is better"
	}
	if c == 0 {
		if a == 0 {
			return "equal (" + dir + ")"
		}
		return "– (" + dir + ")"
	}
	return fmt.Sprintf("%.2f (%s)", a/c, dir)
}

// num prints thousands with separators and small figures with the
// precision they have.
func num(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1000:
		s := strconv.FormatInt(int64(math.Round(v)), 10)
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		var out []byte
		for i, c := range []byte(s) {
			if i > 0 && (len(s)-i)%3 == 0 {
				out = append(out, ',')
			}
			out = append(out, c)
		}
		if neg {
			return "-" + string(out)
		}
		return string(out)
	case a >= 100 || a == math.Trunc(a):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

func rowsFor(mode string, runs map[string]*report.Run) []row {
	switch mode {
	case "fanout":
		return fanoutRows(runs)
	case "idle":
		return idleRows(runs)
	case "churn":
		return churnRows(runs)
	}
	return nil
}

func phaseAt(run *report.Run, rate float64) (report.Phase, bool) {
	if run == nil || run.Fanout == nil {
		return report.Phase{}, false
	}
	for _, p := range run.Fanout.Phases {
		if p.OfferedRate == rate {
			return p, true
		}
	}
	return report.Phase{}, false
}

func fanoutRows(runs map[string]*report.Run) []row {
	var rates []float64
	var perMsg int
	var drain float64
	for _, srv := range []string{"parley", "reference"} {
		if r := runs[srv]; r != nil && r.Fanout != nil && len(r.Fanout.Phases) > 0 {
			for _, p := range r.Fanout.Phases {
				if !slices.Contains(rates, p.OfferedRate) {
					rates = append(rates, p.OfferedRate)
				}
			}
			perMsg = r.Fanout.Users * r.Fanout.SocketsPerUser / r.Fanout.Rooms
			drain = r.Fanout.DrainLimit
		}
	}
	slices.Sort(rates)
	if len(rates) == 0 {
		return []row{{name: "fan-out", text: func(*report.Run) string { return "no result" }}}
	}
	phaseVal := func(rate float64, f func(report.Phase) float64) func(*report.Run) (float64, bool) {
		return func(r *report.Run) (float64, bool) {
			p, ok := phaseAt(r, rate)
			if !ok {
				return 0, false
			}
			return f(p), true
		}
	}
	fan := func(f func(*report.Fanout) float64) func(*report.Run) (float64, bool) {
		return func(r *report.Run) (float64, bool) {
			if r.Fanout == nil {
				return 0, false
			}
			return f(r.Fanout), true
		}
	}
	sum := func(f func(report.Phase) int) func(*report.Run) (float64, bool) {
		return fan(func(fo *report.Fanout) float64 {
			n := 0
			for _, p := range fo.Phases {
				n += f(p)
			}
			return float64(n)
		})
	}
	var rows []row
	for _, rate := range rates {
		rows = append(rows, row{
			name:  fmt.Sprintf("fan-out: deliveries/s at %s msg/s offered (%s/s due)", num(rate), num(rate*float64(perMsg))),
			dir:   higher,
			value: phaseVal(rate, func(p report.Phase) float64 { return p.DeliveriesPerSec }),
		})
	}
	rows = append(rows, row{
		name: "fan-out: saturation (best deliveries/s of any rate)",
		dir:  higher,
		value: fan(func(fo *report.Fanout) float64 {
			best := 0.0
			for _, p := range fo.Phases {
				best = max(best, p.DeliveriesPerSec)
			}
			return best
		}),
	})
	low := rates[0]
	rows = append(rows,
		row{name: fmt.Sprintf("fan-out: p50 send→deliver at %s msg/s (ms)", num(low)), dir: lower, latency: true,
			value: phaseVal(low, func(p report.Phase) float64 { return p.Deliver.P50 })},
	)
	for _, rate := range rates {
		rows = append(rows, row{name: fmt.Sprintf("fan-out: p99 send→deliver at %s msg/s (ms)", num(rate)), dir: lower, latency: true,
			value: phaseVal(rate, func(p report.Phase) float64 { return p.Deliver.P99 })})
	}
	rows = append(rows,
		row{name: fmt.Sprintf("fan-out: p99 send→ack at %s msg/s (ms)", num(low)), dir: lower, latency: true,
			value: phaseVal(low, func(p report.Phase) float64 { return p.Ack.P99 })},
		row{name: fmt.Sprintf("fan-out: server CPU at %s msg/s (cores)", num(low)), dir: lower,
			value: phaseVal(low, func(p report.Phase) float64 { return p.CPU.Server })},
		row{name: fmt.Sprintf("fan-out: server CPU µs per delivery at %s msg/s", num(low)), dir: lower,
			value: phaseVal(low, func(p report.Phase) float64 {
				if p.DeliveriesPerSec == 0 {
					return 0
				}
				return p.CPU.Server * 1e6 / p.DeliveriesPerSec
			})},
		row{name: fmt.Sprintf("fan-out: deliveries not there %s s after a phase's last send (all rates)", num(drain)), dir: lower,
			value: sum(func(p report.Phase) int { return p.MissingAtDeadline })},
		row{name: "fan-out: deliveries missing at the end (lost, all rates)", dir: lower,
			value: fan(func(fo *report.Fanout) float64 { return float64(fo.LostAtEnd) })},
		row{name: "fan-out: ack errors (all rates)", dir: lower,
			value: sum(func(p report.Phase) int { return p.AckErrors })},
		row{name: "fan-out: acks missing at the end (all rates)", dir: lower,
			value: fan(func(fo *report.Fanout) float64 { return float64(fo.AcksLostAtEnd) })},
		row{name: "fan-out: sockets disconnected during the run", dir: lower,
			value: fan(func(fo *report.Fanout) float64 { return float64(fo.Disconnects) })},
		// The generator's own CPU where it worked hardest: well under one
		// core while a server delivers more than Parley's best says the
		// generator is not what limits Parley's figures.
		row{name: "fan-out: load generator's CPU in the best phase (cores; its core: 1.00)", text: func(r *report.Run) string {
			if r.Fanout == nil || len(r.Fanout.Phases) == 0 {
				return "–"
			}
			best := r.Fanout.Phases[0]
			for _, p := range r.Fanout.Phases {
				if p.DeliveriesPerSec > best.DeliveriesPerSec {
					best = p
				}
			}
			return fmt.Sprintf("%s at %s/s", num(best.CPU.Generator), num(best.DeliveriesPerSec))
		}},
	)
	return rows
}

func idleRows(runs map[string]*report.Run) []row {
	n := 0
	for _, r := range runs {
		if r != nil && r.Idle != nil {
			n = r.Idle.Sockets
		}
	}
	idle := func(f func(*report.Idle) float64) func(*report.Run) (float64, bool) {
		return func(r *report.Run) (float64, bool) {
			if r.Idle == nil {
				return 0, false
			}
			return f(r.Idle), true
		}
	}
	return []row{
		{name: fmt.Sprintf("idle: RSS per connection, %s idle sockets (KiB)", num(float64(n))), dir: lower,
			value: idle(func(i *report.Idle) float64 { return i.PerConnKiB })},
		{name: "idle: RSS before the first socket (MiB)", dir: lower,
			value: idle(func(i *report.Idle) float64 { return float64(i.BaselineKiB) / 1024 })},
		{name: fmt.Sprintf("idle: RSS with %s idle sockets (MiB)", num(float64(n))), dir: lower,
			value: idle(func(i *report.Idle) float64 { return float64(i.LoadedKiB) / 1024 })},
		{name: fmt.Sprintf("idle: time to connect %s sockets, 64 at a time (s)", num(float64(n))), dir: lower,
			value: idle(func(i *report.Idle) float64 { return i.ConnectS })},
		{name: "idle: goroutines per connection", value: func(r *report.Run) (float64, bool) {
			if r.Idle == nil || r.Idle.GoroutinesBaseline < 0 || r.Idle.GoroutinesLoaded < 0 {
				return 0, false
			}
			return r.Idle.GoroutinesPerConn, true
		}},
		{name: "idle: connect failures / disconnects while idle", text: func(r *report.Run) string {
			if r.Idle == nil {
				return "–"
			}
			return fmt.Sprintf("%d / %d", r.Idle.ConnectFails, r.Idle.Disconnects)
		}},
	}
}

func churnRows(runs map[string]*report.Run) []row {
	var c *report.Churn
	for _, r := range runs {
		if r != nil && r.Churn != nil {
			c = r.Churn
		}
	}
	if c == nil {
		return []row{{name: "churn", text: func(*report.Run) string { return "no result" }}}
	}
	churn := func(f func(*report.Churn) float64) func(*report.Run) (float64, bool) {
		return func(r *report.Run) (float64, bool) {
			if r.Churn == nil {
				return 0, false
			}
			return f(r.Churn), true
		}
	}
	return []row{
		{name: fmt.Sprintf("churn: connects/s (%s connect+disconnect cycles, %d at a time)", num(float64(c.Cycles)), c.Concurrency), dir: higher,
			value: churn(func(c *report.Churn) float64 { return c.ConnectsPerS })},
		{name: "churn: p99 connect, WebSocket open to Socket.IO CONNECT (ms)", dir: lower,
			value: churn(func(c *report.Churn) float64 { return c.Connect.P99 })},
		{name: "churn: server CPU while churning (cores)", dir: lower,
			value: churn(func(c *report.Churn) float64 { return c.CPU.Server })},
		{name: "churn: RSS peak over baseline (MiB)", dir: lower,
			value: churn(func(c *report.Churn) float64 { return float64(c.PeakKiB-c.BaselineKiB) / 1024 })},
		{name: fmt.Sprintf("churn: RSS over baseline %s s after the last cycle (MiB)", num(c.SettleS)), dir: lower,
			value: churn(func(c *report.Churn) float64 { return float64(c.AfterKiB-c.BaselineKiB) / 1024 })},
		{name: "churn: goroutines back to baseline", text: func(r *report.Run) string {
			if r.Churn == nil || r.Churn.GoroutinesBaseline < 0 {
				return "n/a"
			}
			if r.Churn.GoroutinesBackS < 0 {
				return fmt.Sprintf("no: %d → %d", r.Churn.GoroutinesBaseline, r.Churn.GoroutinesAfter)
			}
			return fmt.Sprintf("yes (%d), after %.1f s", r.Churn.GoroutinesBaseline, r.Churn.GoroutinesBackS)
		}},
		{name: "churn: failed cycles", dir: lower,
			value: churn(func(c *report.Churn) float64 { return float64(c.Failures) })},
	}
}
