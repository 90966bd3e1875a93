//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package app

import (
	"os"
	"syscall"
)

// giveOwnerOf gives name the owner and group of like, so a restore run as
// root leaves a database the server's user can still open. Without the
// right to chown (not root) the file stays the caller's, which is then
// the server's user anyway.
func giveOwnerOf(name, like string) {
	fi, err := os.Stat(like)
	if err != nil {
		return
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		_ = os.Chown(name, int(st.Uid), int(st.Gid))
	}
}
