package parley

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error for clients. The transport maps each code to an
// ack error and an HTTP status; only INTERNAL errors are logged.
type Code string

const (
	CodeBadRequest   Code = "BAD_REQUEST"
	CodeUnauthorized Code = "UNAUTHORIZED"
	CodeForbidden    Code = "FORBIDDEN"
	CodeNotFound     Code = "NOT_FOUND"
	CodeConflict     Code = "CONFLICT"
	CodeTooLarge     Code = "TOO_LARGE"
	CodeRateLimited  Code = "RATE_LIMITED"
	CodeUnavailable  Code = "UNAVAILABLE"
	CodeInternal     Code = "INTERNAL"
)

// Codes lists every code, so metrics can pre-create their label values.
func Codes() []Code {
	return []Code{
		CodeBadRequest, CodeUnauthorized, CodeForbidden, CodeNotFound, CodeConflict,
		CodeTooLarge, CodeRateLimited, CodeUnavailable, CodeInternal,
	}
}

// Error is Parley's one error type. Message is safe to show to the user; Err
// (optional) carries the underlying cause for logs and errors.Is.
type Error struct {
	Code    Code
	Message string
	Err     error
	// RetryAfter, on a RATE_LIMITED error, is the longest the caller has to
	// wait before the same request can succeed (zero: not known). REST
	// answers carry it as a Retry-After header.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error whose message is shown to users.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap attaches a user-facing code and message to an underlying cause.
func Wrap(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// CodeOf returns the code of the first *Error in err's chain, or INTERNAL.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-facing message of err. Internal causes are never
// exposed: an error without a Parley code reads "internal error".
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return e.Message
	}
	return "internal error"
}

// RetryAfterOf returns the RetryAfter of the first *Error in err's chain.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
