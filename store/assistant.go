package store

import (
	"context"
	"time"
)

// Turn is one line of a conversation the assistant took part in: a question
// put to it or its answer. Turns outlive the room's scroll-back so the
// assistant keeps the thread of a conversation in a busy room.
type Turn struct {
	// MessageID is the stored message the turn came from, so a prompt that
	// also quotes recent room history can leave out what it already has.
	MessageID string
	// Role is "user" for a question and "assistant" for an answer.
	Role   string
	UserID string
	Name   string
	Text   string
	At     time.Time
}

// Dialogue is a multi-turn exchange the built-in responder is holding with
// one user in one room (waiting for a question, for a yes/no, for a city).
type Dialogue struct {
	Stage     string
	Skill     string
	Question  string
	Answer    string
	Slots     map[string]string
	ExpiresAt time.Time
}

// Memory is what the assistant remembers of a room. It lives in the store,
// not in a process, so any node (or a restarted one) carries a conversation
// on.
type Memory struct {
	RoomID    string
	Turns     []Turn
	Dialogues map[string]Dialogue // by user id
	UpdatedAt time.Time
}

// Memories stores the assistant's memory of each room. Every write stamps
// UpdatedAt; memories left alone for long are expired.
type Memories interface {
	// Get returns the room's memory. A room the assistant has no memory of
	// yet gets an empty Memory, never ErrNotFound.
	Get(ctx context.Context, roomID string) (*Memory, error)
	// AddTurns appends turns to the room's memory and keeps only the newest
	// keep of them, in one atomic step. ErrInvalid for an empty room id or
	// keep < 1.
	AddTurns(ctx context.Context, roomID string, turns []Turn, keep int) error
	// SetDialogue stores d as userID's dialogue in the room, leaving other
	// users' dialogues alone; a nil d ends it. ErrInvalid for empty ids.
	SetDialogue(ctx context.Context, roomID, userID string, d *Dialogue) error
	// Expire deletes the memories not written since before and returns how
	// many went.
	Expire(ctx context.Context, before time.Time) (int64, error)
}

// Knowledge is an answer taught to the assistant. RoomID "" holds what was
// taught for every room. Question is stored as given: callers normalise it
// (case, width, punctuation) before teaching and before looking up.
type Knowledge struct {
	RoomID    string
	Question  string
	Answer    string
	TaughtBy  string
	CreatedAt time.Time
}

// KnowledgeBase stores taught answers.
type KnowledgeBase interface {
	// Teach stores k, replacing an earlier answer to the same question in
	// the same room. ErrInvalid for an empty question or answer.
	Teach(ctx context.Context, k Knowledge) error
	// Lookup returns the answer taught in roomID, else the one taught for
	// every room; ErrNotFound when there is neither.
	Lookup(ctx context.Context, roomID, question string) (*Knowledge, error)
	// Forget removes what was taught in roomID for question; ErrNotFound when
	// nothing was.
	Forget(ctx context.Context, roomID, question string) error
}

// Service is an integration's credentials: it trades AppID and its secret
// for a short-lived token and then acts as the service user UserID.
type Service struct {
	AppID      string
	SecretHash string
	UserID     string
	CreatedAt  time.Time
	// Configured services come from PARLEY_SERVICES, which revokes them
	// when they leave it; the others were created with `parley service
	// create`.
	Configured bool
	// Revoked services get no tokens.
	Revoked bool
}

// Services stores integrations' credentials.
type Services interface {
	// Create stores s. ErrConflict if the app id exists, ErrNotFound if its user
	// does not, ErrInvalid for an empty app id, secret hash or user id.
	Create(ctx context.Context, s *Service) error
	// ByAppID returns ErrNotFound when no service has that app id.
	ByAppID(ctx context.Context, appID string) (*Service, error)
	// SetSecret replaces a service's secret hash (rotation); ErrNotFound when
	// no service has that app id, ErrInvalid for an empty hash.
	SetSecret(ctx context.Context, appID, secretHash string) error
	// SetRevoked revokes a service or reinstates it; ErrNotFound when no
	// service has that app id.
	SetRevoked(ctx context.Context, appID string, revoked bool) error
	// List returns every service, revoked ones included, by app id. It
	// never returns ErrNotFound.
	List(ctx context.Context) ([]Service, error)
}
