package app

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Build is what a binary says about itself: `parley version`, the
// parley_build_info gauge and the first line of its log.
type Build struct {
	Version   string // a release tag, or "devel"
	Commit    string // the VCS revision, with "-dirty" when it had changes
	Date      string // RFC 3339, when it was built or committed
	GoVersion string
}

// ReadBuild fills in what the linker flags left empty from the build
// information Go embeds in every binary built from a module with VCS
// stamping.
func ReadBuild(version, commit, date string) Build {
	b := Build{Version: version, Commit: commit, Date: date}
	info, ok := debug.ReadBuildInfo()
	if ok {
		b.GoVersion = info.GoVersion
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		var dirty bool
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if dirty && b.Commit != "" && !strings.HasSuffix(b.Commit, "-dirty") {
			b.Commit += "-dirty"
		}
	}
	if b.Version == "" {
		b.Version = "devel"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}

func (b Build) String() string {
	return fmt.Sprintf("parley %s (commit %s, built %s, %s)", b.Version, b.Commit, b.Date, b.GoVersion)
}
