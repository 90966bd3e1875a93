package app

import (
	"errors"

	"github.com/parley-chat/parley"
)

// commandError is what a command line tool prints for err. A client of the
// server gets "internal error" for a fault on the server's side; the
// operator at the terminal is the one who must fix it (a data dir they
// cannot read, a MongoDB that refuses them), so they get the cause.
func commandError(err error) string {
	var e *parley.Error
	if errors.As(err, &e) && e.Code != parley.CodeInternal {
		return e.Message
	}
	return err.Error()
}
