package store

import "github.com/parley-chat/parley"

// The errors every backend returns, wrapped with %w and context for the
// logs. Each is a *parley.Error, so a code reaches the transport even when
// nobody above translates it; its message is deliberately plain, because
// wording a user reads is the business of the services that know what the
// user was doing (the hub, accounts), not of a database backend.
var (
	// ErrNotFound: no record has that key.
	ErrNotFound = &parley.Error{Code: parley.CodeNotFound, Message: "not found"}
	// ErrConflict: a unique key (username, room id, app id) is taken.
	ErrConflict = &parley.Error{Code: parley.CodeConflict, Message: "already exists"}
	// ErrInvalid: a required field is empty or out of range.
	ErrInvalid = &parley.Error{Code: parley.CodeBadRequest, Message: "invalid request"}
	// ErrUnavailable: the database did not answer, is busy or closed; the
	// same call may succeed later.
	ErrUnavailable = &parley.Error{Code: parley.CodeUnavailable, Message: "the database is unavailable; try again"}
)
