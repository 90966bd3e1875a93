package mongo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Memberships implements store.Memberships.
type Memberships struct{ db *DB }

var _ store.Memberships = (*Memberships)(nil)

// Add makes m.UserID a member of m.RoomID; a second Add keeps the stored
// membership (the unique (userId, roomId) index refuses the insert). An
// empty Role means member, a zero JoinedAt means now, and ReadSeq is clamped
// to [0, room lastSeq]. Rooms and users are never deleted, so checking them
// before the insert, outside a transaction, is as good as inside one; the
// lastSeq read may be a little stale, which only clamps lower.
func (s *Memberships) Add(ctx context.Context, m parley.Membership) (bool, error) {
	if m.RoomID == "" || m.UserID == "" {
		return false, fmt.Errorf("room and user are required: %w", store.ErrInvalid)
	}
	if m.Role == "" {
		m.Role = parley.RoleMember
	}
	joined := s.db.stamp(m.JoinedAt)
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	var room roomDoc
	err := s.db.col(colRooms).FindOne(ctx, byID(m.RoomID),
		options.FindOne().SetProjection(lastSeqOnly)).Decode(&room)
	if isNoDocuments(err) {
		return false, fmt.Errorf("room %q: %w: %w", m.RoomID, store.ErrNotFound, err)
	}
	if err != nil {
		return false, storeError(err, "")
	}
	if err := userExists(ctx, s.db, m.UserID); err != nil {
		return false, storeError(err, "")
	}
	_, err = s.db.col(colMemberships).InsertOne(ctx, membershipDoc{RoomID: m.RoomID, UserID: m.UserID,
		Role: string(m.Role), JoinedAt: joined, ReadSeq: max(0, min(m.ReadSeq, room.LastSeq))})
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, storeError(err, "")
	}
	return true, nil
}

// Remove ends a membership; NOT_FOUND if there was none.
func (s *Memberships) Remove(ctx context.Context, roomID, userID string) error {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	res, err := s.db.col(colMemberships).DeleteOne(ctx, membership(roomID, userID))
	if err != nil {
		return storeError(err, "")
	}
	if res.DeletedCount == 0 {
		return notMember(roomID, userID, nil)
	}
	return nil
}

func notMember(roomID, userID string, err error) error {
	return fmt.Errorf("user %q is not a member of room %q: %w: %w", userID, roomID, store.ErrNotFound, err)
}

// Get returns NOT_FOUND when userID is not a member of roomID.
func (s *Memberships) Get(ctx context.Context, roomID, userID string) (*parley.Membership, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	var d membershipDoc
	err := s.db.col(colMemberships).FindOne(ctx, membership(roomID, userID)).Decode(&d)
	if isNoDocuments(err) {
		return nil, notMember(roomID, userID, err)
	}
	if err != nil {
		return nil, storeError(err, "")
	}
	m := d.membership()
	return &m, nil
}

// Members lists a room's members with their accounts, oldest first. The
// join happens here: two indexed queries instead of a $lookup pipeline.
// An unknown room has no members.
func (s *Memberships) Members(ctx context.Context, roomID string) ([]parley.Member, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	filter, sort := membersOf(roomID)
	ms, err := findAll[membershipDoc](ctx, s.db.col(colMemberships), filter, options.Find().SetSort(sort))
	if err != nil {
		return nil, err
	}
	members := []parley.Member{}
	if len(ms) == 0 {
		return members, nil
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.UserID
	}
	users, err := findAll[userDoc](ctx, s.db.col(colUsers), idIn(ids), nil)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*userDoc, len(users))
	for i := range users {
		byID[users[i].ID] = &users[i]
	}
	for _, m := range ms {
		u, ok := byID[m.UserID]
		if !ok {
			continue // as SQLite's inner join
		}
		members = append(members, parley.Member{User: u.user(), Role: parley.Role(m.Role),
			JoinedAt: m.JoinedAt.UTC(), ReadSeq: m.ReadSeq})
	}
	return members, nil
}

// RoomsOf lists userID's rooms by name (then id) with unread counts.
func (s *Memberships) RoomsOf(ctx context.Context, userID string) ([]parley.UserRoom, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	ms, err := findAll[membershipDoc](ctx, s.db.col(colMemberships), roomsOfUser(userID), nil)
	if err != nil {
		return nil, err
	}
	rooms := []parley.UserRoom{}
	if len(ms) == 0 {
		return rooms, nil
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.RoomID
	}
	docs, err := findAll[roomDoc](ctx, s.db.col(colRooms), idIn(ids), nil)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*roomDoc, len(docs))
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
	}
	for _, m := range ms {
		d, ok := byID[m.RoomID]
		if !ok {
			continue
		}
		r := d.room()
		rooms = append(rooms, parley.UserRoom{Room: r, Role: parley.Role(m.Role), ReadSeq: m.ReadSeq,
			Unread: max(0, r.LastSeq-m.ReadSeq), Notify: parley.NotifyLevel(m.Notify)})
	}
	slices.SortFunc(rooms, func(a, b parley.UserRoom) int {
		if c := strings.Compare(a.Room.Name, b.Room.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Room.ID, b.Room.ID)
	})
	return rooms, nil
}

// MarkRead moves the read cursor forward to seq, capped at the room's
// lastSeq. $max makes the update itself never move backwards, whatever
// runs alongside it; lastSeq only grows, so a cap read just before is still
// a valid cap.
func (s *Memberships) MarkRead(ctx context.Context, roomID, userID string, seq int64) (int64, error) {
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	var room roomDoc
	err := s.db.col(colRooms).FindOne(ctx, byID(roomID), options.FindOne().SetProjection(lastSeqOnly)).Decode(&room)
	if isNoDocuments(err) {
		return 0, notMember(roomID, userID, err)
	}
	if err != nil {
		return 0, storeError(err, "")
	}
	var d membershipDoc
	err = s.db.col(colMemberships).FindOneAndUpdate(ctx, membership(roomID, userID),
		advanceRead(min(seq, room.LastSeq)),
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if isNoDocuments(err) {
		return 0, notMember(roomID, userID, err)
	}
	if err != nil {
		return 0, storeError(err, "")
	}
	return d.ReadSeq, nil
}
