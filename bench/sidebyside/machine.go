package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Machine is what the figures were measured on, and how busy it was.
type Machine struct {
	Cores      int    `json:"cores"`
	CPU        string `json:"cpu"`
	MemTotal   string `json:"mem_total"`
	Kernel     string `json:"kernel"`
	Go         string `json:"go"`
	Node       string `json:"node"`
	SocketIO   string `json:"socket_io"`
	Commit     string `json:"commit"`
	LoadBefore string `json:"load_average_before"`
	LoadAfter  string `json:"load_average_after"`
}

func describeMachine(root string) Machine {
	m := Machine{Cores: runtime.NumCPU(), LoadBefore: loadAverage()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				m.MemTotal = strings.TrimSpace(v)
			}
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	m.Go = output("go", "version")
	if m.Go == "" {
		m.Go = runtime.Version()
	}
	m.Node = output("node", "--version")
	var pkg struct {
		Version string `json:"version"`
	}
	if data, err := os.ReadFile(filepath.Join(root, "bench/reference/node_modules/socket.io/package.json")); err == nil && json.Unmarshal(data, &pkg) == nil {
		m.SocketIO = pkg.Version
	}
	// Only a tree that is itself a checkout has a commit: an exported copy
	// inside another checkout would report that one's.
	if top := output("git", "-C", root, "rev-parse", "--show-toplevel"); top != "" && sameDir(top, root) {
		m.Commit = output("git", "-C", root, "rev-parse", "--short", "HEAD")
		if dirty := output("git", "-C", root, "status", "--porcelain", "--untracked-files=no"); dirty != "" {
			m.Commit += " (with uncommitted changes)"
		}
	} else {
		m.Commit = "unknown (not a git checkout)"
	}
	return m
}

func output(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// loadAverage is the 1, 5 and 15 minute load averages: other work on the
// machine during a run skews every figure, and this says how much there was.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func sameDir(a, b string) bool {
	ea, err1 := filepath.EvalSymlinks(a)
	eb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ea == eb
}
