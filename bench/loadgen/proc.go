package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/parley-chat/parley/bench/internal/report"
)

// clockTicks is USER_HZ, which Linux fixes at 100 for /proc/<pid>/stat on
// every architecture it reports to user space.
const clockTicks = 100

// rssKiB reads VmRSS: what the kernel charges the process, the figure an
// operator sees, whatever the runtime thinks it uses.
func rssKiB(pid int) (int64, error) {
	if pid <= 0 {
		return 0, nil
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				break
			}
			return strconv.ParseInt(f[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}

// cpuSeconds is the user+system CPU time of pid so far (0 for pid <= 0).
func cpuSeconds(pid int) float64 {
	if pid <= 0 {
		return 0
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name may hold spaces and parentheses; fields are counted
	// from the last ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	// utime and stime are fields 14 and 15 of the line, 12 and 13 here.
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / clockTicks
}

func selfCPUSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// cpuMeter measures the server's and this process's CPU over a window.
type cpuMeter struct {
	pid            int
	at             time.Time
	server, myself float64
}

func startCPU(pid int) cpuMeter {
	return cpuMeter{pid: pid, at: time.Now(), server: cpuSeconds(pid), myself: selfCPUSeconds()}
}

func (m cpuMeter) stop() report.CPU {
	wall := time.Since(m.at).Seconds()
	if wall <= 0 {
		return report.CPU{}
	}
	return report.CPU{
		Server:    round3((cpuSeconds(m.pid) - m.server) / wall),
		Generator: round3((selfCPUSeconds() - m.myself) / wall),
	}
}

// latency summarizes samples in microseconds (sorting them in place) and
// counts the undelivered ones as slower than all of them: a percentile that
// falls among those is -1, "not there by the deadline", rather than
// computed from the survivors only.
func latency(us []int32, undelivered int) report.Latency {
	n := len(us) + max(undelivered, 0)
	if n == 0 {
		return report.Latency{}
	}
	slices.Sort(us)
	at := func(q float64) float64 {
		// nearest rank: the smallest sample with at least q of them at or below it
		i := max(int(math.Ceil(q*float64(n)))-1, 0)
		if i >= len(us) {
			return -1
		}
		return round3(float64(us[i]) / 1000)
	}
	l := report.Latency{N: len(us), Undelivered: max(undelivered, 0), P50: at(0.5), P90: at(0.9), P99: at(0.99), P999: at(0.999), Max: at(1)}
	return l
}

func round3(f float64) float64 {
	return float64(int64(f*1000+0.5)) / 1000
}
