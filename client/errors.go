package parleyclient

import (
	"errors"
	"fmt"

	"github.com/parley-chat/parley"
)

// Error is what the server answered instead of a result: an ack's
// {ok:false, error:{code, message}}, a REST error body, or a refused
// handshake (code UNAUTHORIZED or UNAVAILABLE).
type Error struct {
	Code    parley.Code
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("parley: %s: %s", e.Code, e.Message) }

// CodeOf returns the code of the *Error in err's chain, or "" when the
// error did not come from the server (a timeout, a closed client).
func CodeOf(err error) parley.Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// sentinel lets the package's sentinel errors be constants.
type sentinel string

func (e sentinel) Error() string { return string(e) }

// ErrClosed is returned by calls on a closed client.
const ErrClosed sentinel = "parleyclient: the client is closed"

// wireError is the error shape of acks and REST bodies.
type wireError struct {
	Code    parley.Code `json:"code"`
	Message string      `json:"message"`
}

func (w *wireError) err() *Error { return &Error{Code: w.Code, Message: w.Message} }
