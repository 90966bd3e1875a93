// Package webapp ships Parley's browser UI: the Vite build in dist/,
// embedded into the binary. dist/ holds only a placeholder in a fresh clone
// (`make build` fills it), so the Go build never needs Node.js.
package webapp

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Assets is the built UI (index.html at its root), or ok=false when this
// binary was built without running the web build.
func Assets() (assets fs.FS, ok bool) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, false
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil, false
	}
	return sub, true
}
