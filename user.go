package parley

import (
	"strings"
	"time"
)

// UserKind tells humans from the assistant and from integrations.
type UserKind string

const (
	KindHuman   UserKind = "human"
	KindBot     UserKind = "bot"
	KindService UserKind = "service"
)

// User is an account. PasswordHash is empty for accounts that cannot log in
// with a password (bots, services).
type User struct {
	ID           string
	Username     string // lower case
	DisplayName  string
	Kind         UserKind
	PasswordHash string
	CreatedAt    time.Time
	// Admin makes the account a server administrator: it moderates every
	// group room and sees the private ones in the room browser.
	Admin bool
	// Disabled accounts cannot log in, and their tokens stop working.
	Disabled bool
}

// NormalizeUsername is the canonical (case-insensitive) form of a username.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
