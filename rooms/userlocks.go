package rooms

import "sync"

// userLocks serializes work per user without a map entry per user: users
// share a fixed set of mutexes by hash. Two users on one stripe wait for
// each other now and then, which costs little next to a lock per user
// that must be created, counted and removed.
type userLocks [256]sync.Mutex

// lock locks userID's stripe and returns its unlock.
func (l *userLocks) lock(userID string) func() {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(userID); i++ {
		h ^= uint32(userID[i])
		h *= 16777619
	}
	m := &l[h%uint32(len(l))]
	m.Lock()
	return m.Unlock
}
