package rooms

import (
	"context"
	"sync"
	"time"

	"github.com/parley-chat/parley"
)

// MemoryPresence is the Presence of a node on its own: a user is online
// while they have a socket here or are within a grace period begun here.
// It never fails.
type MemoryPresence struct {
	mu sync.Mutex
	// users maps each online user to "" while connected, or to the token
	// of the grace period they are in.
	users map[string]string
}

var _ Presence = (*MemoryPresence)(nil)

// NewMemoryPresence returns an empty presence.
func NewMemoryPresence() *MemoryPresence {
	return &MemoryPresence{users: map[string]string{}}
}

func (m *MemoryPresence) Arrived(_ context.Context, userID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, known := m.users[userID]
	m.users[userID] = ""
	return !known, nil
}

func (m *MemoryPresence) Left(_ context.Context, userID string, _ time.Duration) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[userID]; !ok {
		return "", nil // never arrived: nothing to end
	}
	token := parley.NewID()
	m.users[userID] = token
	return token, nil
}

func (m *MemoryPresence) Expire(_ context.Context, userID, token string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cur, ok := m.users[userID]; !ok || cur == "" || cur != token {
		return false, nil
	}
	delete(m.users, userID)
	return true, nil
}

func (m *MemoryPresence) Online(_ context.Context, userIDs []string) ([]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]bool, len(userIDs))
	for i, id := range userIDs {
		_, out[i] = m.users[id]
	}
	return out, nil
}

// Close forgets nothing: with one node, nobody is left to announce.
func (m *MemoryPresence) Close(context.Context, time.Duration) error { return nil }
