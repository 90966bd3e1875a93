//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package app

import "os"

// flock is a no-op where flock(2) is missing: there, `parley restore`
// cannot tell whether a server runs, and the operator must stop it first
// (as the documentation says everywhere).
func flock(*os.File, bool) error { return nil }
