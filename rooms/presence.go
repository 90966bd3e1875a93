package rooms

import (
	"context"
	"time"
)

// Presence decides when a user comes online and when they go offline, for
// every node that shares it (MemoryPresence: this node alone;
// rooms/redispresence: a cluster), so that each change is announced once,
// by the node whose call caused it. The hub counts its own sockets: it
// calls Arrived for a user's first socket on this node and Left for their
// last, and after the grace period Expire says whether they went offline.
//
// Every method may fail with parley.CodeUnavailable when the shared state
// is out of reach; the hub then decides from what this node alone sees
// (presence.go) until it answers again.
type Presence interface {
	// Arrived records that userID has a socket on this node. It reports
	// true when the user was offline everywhere (not even within a grace
	// period): the caller announces them online.
	Arrived(ctx context.Context, userID string) (bool, error)
	// Left records that userID has no socket left on this node. When they
	// have none on any node either, the grace period begins and Left
	// returns its token (else ""): after grace the caller calls Expire.
	Left(ctx context.Context, userID string, grace time.Duration) (string, error)
	// Expire ends the grace period that Left's token began. It reports
	// true, to one caller in the cluster, when the user has had no socket
	// anywhere since: the caller announces them offline. It reports false
	// when they came back, or when the token is stale.
	Expire(ctx context.Context, userID, token string) (bool, error)
	// Online reports, for each of userIDs, whether the user has a socket on
	// some node or is within a grace period.
	Online(ctx context.Context, userIDs []string) ([]bool, error)
	// Close withdraws this node: the users it counted are treated as if
	// their sockets here had closed, each within grace of going offline
	// unless connected elsewhere (another node announces it). Calls after
	// Close change nothing.
	Close(ctx context.Context, grace time.Duration) error
}
