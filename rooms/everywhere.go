package rooms

import (
	"context"

	"github.com/parley-chat/parley"
)

// A membership change reaches this node's sockets at once and the other
// nodes' through Peers before the change is acknowledged: a user kicked on
// node A must not read the room's next message through a socket on node B,
// and one who joined on A must read it on B.

// joinEverywhere subscribes userID's sockets on every node to roomID.
func (h *Hub) joinEverywhere(ctx context.Context, roomID, userID string) error {
	h.emit.JoinRoom(userID, roomID)
	if h.cfg.Peers == nil {
		return nil
	}
	return notApplied(h.cfg.Peers.MembershipStarted(ctx, roomID, userID))
}

// leaveEverywhere unsubscribes userID's sockets on every node from roomID,
// and makes every other node forget the membership (this one already has).
func (h *Hub) leaveEverywhere(ctx context.Context, roomID, userID string) error {
	h.emit.LeaveRoom(userID, roomID)
	if h.cfg.Peers == nil {
		return nil
	}
	return notApplied(h.cfg.Peers.MembershipEnded(ctx, roomID, userID))
}

// notApplied is what the client hears when the change is stored but not
// every node confirmed it: UNAVAILABLE, since the cluster's bus is.
func notApplied(err error) error {
	if err == nil {
		return nil
	}
	return parley.Wrap(parley.CodeUnavailable, err, "the change is saved, but not every server has applied it yet; it is being retried")
}

// MembershipEndedElsewhere applies a membership another node ended: this
// node forgets it and its sockets of userID leave the room. Peers call it.
func (h *Hub) MembershipEndedElsewhere(roomID, userID string) {
	h.members.forget(roomID, userID)
	h.emit.LeaveRoom(userID, roomID)
}

// MembershipStartedElsewhere applies a membership another node started,
// or whose role it changed: this node's sockets of userID join the room
// (again, which changes nothing), and the membership is read afresh from
// the store next time. Peers call it.
func (h *Hub) MembershipStartedElsewhere(roomID, userID string) {
	h.members.forget(roomID, userID)
	h.emit.JoinRoom(userID, roomID)
}

// ForgetMemberships drops every membership this node remembers. Peers call
// it when notices from other nodes may have been lost (a reconnect to the
// bus that carries them).
func (h *Hub) ForgetMemberships() { h.members.forgetAll() }
