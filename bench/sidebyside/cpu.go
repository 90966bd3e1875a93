package main

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, which Linux fixes at 100 for /proc/stat.
const clockTicks = 100

// machineCPU is a reading of the whole machine's busy time, to tell how
// much of it went to processes other than the ones measured.
type machineCPU struct {
	at     time.Time
	busy   float64
	myself float64
	procs  map[int]procTime
}

func startMachineCPU() machineCPU {
	return machineCPU{at: time.Now(), busy: busySeconds(), myself: selfCPUSeconds(), procs: processTimes()}
}

// procTime is one process's CPU so far. Its reaped children's time is
// left out: a child that ran for an hour and ended just now would show as
// an hour in the window.
type procTime struct {
	comm  string
	start string // when it started, to tell a reused pid
	own   float64
}

// processTimes reads every process's CPU time.
func processTimes() map[int]procTime {
	out := map[int]procTime{}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		open, close := bytes.IndexByte(data, '('), bytes.LastIndexByte(data, ')')
		if open < 0 || close < open {
			continue
		}
		f := strings.Fields(string(data[close+1:]))
		if len(f) < 20 {
			continue
		}
		ut, _ := strconv.ParseFloat(f[11], 64)
		st, _ := strconv.ParseFloat(f[12], 64)
		out[pid] = procTime{comm: string(data[open+1 : close]), start: f[19], own: (ut + st) / clockTicks}
	}
	return out
}

// topOthers names the processes, other than those in mine, that used the
// most CPU since m, in cores: who it was that competed with the
// measurement. Processes that both started and ended in between are not
// seen (the total of others still counts them).
func (m machineCPU) topOthers(mine ...int) []string {
	wall := time.Since(m.at).Seconds()
	now := processTimes()
	type use struct {
		name  string
		cores float64
	}
	var uses []use
	for pid, t := range now {
		if slices.Contains(mine, pid) || pid == os.Getpid() {
			continue
		}
		b := m.procs[pid] // zero for a process that started since
		if b.start != t.start {
			b = procTime{}
		}
		d := t.own - b.own
		if d/wall >= 0.02 {
			uses = append(uses, use{t.comm, d / wall})
		}
	}
	slices.SortFunc(uses, func(a, b use) int { return cmp.Compare(b.cores, a.cores) })
	var out []string
	for _, u := range uses[:min(len(uses), 4)] {
		out = append(out, fmt.Sprintf("%s %.2f", u.name, u.cores))
	}
	return out
}

// others is the CPU, in cores, that went neither to the server (server
// seconds since it started, after m) nor to the generator nor to this
// driver since m.
func (m machineCPU) others(server, generator float64) float64 {
	wall := time.Since(m.at).Seconds()
	if wall <= 0 {
		return 0
	}
	other := busySeconds() - m.busy - server - generator - (selfCPUSeconds() - m.myself)
	return float64(int64(max(other, 0)/wall*1000+0.5)) / 1000
}

// busySeconds is the time all CPUs spent on anything but idling and
// waiting for I/O, from the first line of /proc/stat.
func busySeconds() float64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	var busy float64
	// user nice system idle iowait irq softirq steal: all but idle, iowait.
	for i, v := range f[1:9] {
		if i == 3 || i == 4 {
			continue
		}
		n, _ := strconv.ParseFloat(v, 64)
		busy += n
	}
	return busy / clockTicks
}

// cpuSeconds is the user+system CPU time of pid so far (0 if unknown).
func cpuSeconds(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
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
