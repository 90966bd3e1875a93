// Package parley is Parley's domain: the accounts, rooms, memberships and
// messages of a group chat, the rules they obey (who may moderate, what a
// username or a password may be), and the one error type, with a code,
// that every layer speaks. It depends on nothing of Parley's: storage
// (package store and its backends), the hub (rooms), the assistant and the
// transport (server) all build on it.
//
// The wire protocol that clients see is described in docs/protocol.md.
package parley
