package mongo

import (
	"math"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Every filter, sort and update document the backend sends is built here,
// by small functions, so their shape is unit-tested without a server
// (queries_test.go) and each query reads like the SQL it mirrors.

func byID(id string) bson.D { return bson.D{{Key: "_id", Value: id}} }

func idIn(ids []string) bson.D {
	return bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}
}

// idOnly projects documents down to their _id, for existence checks.
var idOnly = bson.D{{Key: "_id", Value: 1}}

// --- users

func byUsername(username string) bson.D { return bson.D{{Key: "username", Value: username}} }

// usernameIn matches any of usernames (stored lower case, as given).
func usernameIn(usernames []string) bson.D {
	return bson.D{{Key: "username", Value: bson.D{{Key: "$in", Value: usernames}}}}
}

// --- rooms

// publicRooms: group rooms that are not private, by name (then id, as
// SQLite's ORDER BY name, id).
func publicRooms() (filter, sort bson.D) {
	return bson.D{{Key: "kind", Value: string(parley.RoomGroup)}, {Key: "private", Value: false}},
		bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}
}

func byDirectKey(key string) bson.D { return bson.D{{Key: "directKey", Value: key}} }

// reserveSeqs moves a room's lastSeq and lastRev on by n; with
// ReturnDocument After the answer holds the last of the n reserved.
func reserveSeqs(n int64) bson.D {
	return bson.D{{Key: "$inc", Value: bson.D{{Key: "lastSeq", Value: n}, {Key: "lastRev", Value: n}}}}
}

// nextRev takes a room's next rev for a change and records it as the
// room's last change, in one pipeline update (stages see the previous
// stage's result).
func nextRev() mongo.Pipeline {
	return mongo.Pipeline{
		{{Key: "$set", Value: bson.D{{Key: "lastRev", Value: bson.D{{Key: "$add", Value: bson.A{
			bson.D{{Key: "$ifNull", Value: bson.A{"$lastRev", int64(0)}}}, int64(1)}}}}}}},
		{{Key: "$set", Value: bson.D{{Key: "lastChange", Value: "$lastRev"}}}},
	}
}

// --- memberships

func membership(roomID, userID string) bson.D {
	return bson.D{{Key: "userId", Value: userID}, {Key: "roomId", Value: roomID}}
}

func membersOf(roomID string) (filter, sort bson.D) {
	return bson.D{{Key: "roomId", Value: roomID}},
		bson.D{{Key: "joinedAt", Value: 1}, {Key: "userId", Value: 1}}
}

func roomsOfUser(userID string) bson.D { return bson.D{{Key: "userId", Value: userID}} }

// advanceRead moves a read cursor forward to seq, never back: $max leaves a
// larger readSeq alone, as SQLite's MAX(read_seq, ?).
func advanceRead(seq int64) bson.D {
	return bson.D{{Key: "$max", Value: bson.D{{Key: "readSeq", Value: seq}}}}
}

// --- messages

// history: seq < before (before <= 0: from the newest), newest first; the
// caller reverses the page. limit+1 tells whether older ones exist.
func history(roomID string, before int64, limit int) (filter, sort bson.D, n int64) {
	if before <= 0 {
		before = math.MaxInt64
	}
	return bson.D{{Key: "roomId", Value: roomID}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: before}}}},
		bson.D{{Key: "seq", Value: -1}}, int64(limit) + 1
}

// after: seq > after, oldest first; limit+1 tells whether newer ones exist.
func after(roomID string, after int64, limit int) (filter, sort bson.D, n int64) {
	return bson.D{{Key: "roomId", Value: roomID}, {Key: "seq", Value: bson.D{{Key: "$gt", Value: after}}}},
		bson.D{{Key: "seq", Value: 1}}, int64(limit) + 1
}

func messageInRoom(roomID, id string) bson.D {
	return bson.D{{Key: "_id", Value: id}, {Key: "roomId", Value: roomID}}
}

// tombstone is the $set that empties a message but keeps its id, seq,
// sender and clientMsgId, so a late retry of the send still finds it.
func tombstone() bson.D {
	return bson.D{
		{Key: "text", Value: ""},
		{Key: "mentions", Value: bson.A{}},
		{Key: "reactions", Value: bson.A{}},
		{Key: "attachments", Value: bson.A{}},
		{Key: "deleted", Value: true},
		{Key: "grams", Value: bson.A{}}, // search never finds it
		{Key: "gramsCut", Value: false},
	}
}

// clientKey is a (sender, clientMsgId) pair: the idempotency key of a send.
type clientKey struct{ sender, clientMsgID string }

// existingMessages finds, in one query, the stored messages that an Append
// batch collides with: those with one of its ids and those with one of its
// (sender, clientMsgId) pairs.
func existingMessages(ids []string, keys []clientKey) bson.D {
	or := bson.A{idIn(ids)}
	for _, k := range keys {
		or = append(or, bson.D{{Key: "senderId", Value: k.sender}, {Key: "clientMsgId", Value: k.clientMsgID}})
	}
	return bson.D{{Key: "$or", Value: or}}
}

// --- assistant memory

func byRoomID(roomID string) bson.D { return bson.D{{Key: "roomId", Value: roomID}} }

// addTurns appends turns and keeps the newest keep in one atomic update
// ($push with $each and a negative $slice), creating the memory if needed.
func addTurns(turns []store.Turn, keep int, now time.Time) bson.D {
	return bson.D{
		{Key: "$push", Value: bson.D{{Key: "turns", Value: bson.D{
			{Key: "$each", Value: toTurnDocs(turns)},
			{Key: "$slice", Value: -keep},
		}}}},
		{Key: "$set", Value: bson.D{{Key: "updatedAt", Value: now}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "state", Value: bson.D{}}}},
	}
}

// setDialogue is an update pipeline that sets (d != nil) or removes one
// user's dialogue and leaves the others alone. $setField/$unsetField take
// the user id as a literal field name, so an id containing '.' or starting
// with '$' cannot be read as a path, and $literal keeps a dialogue's text
// ("$5 please") from being read as an expression. Needs MongoDB 5.0+.
func setDialogue(userID string, d *store.Dialogue, now time.Time) mongo.Pipeline {
	state := bson.D{{Key: "$ifNull", Value: bson.A{"$state", bson.D{}}}}
	var expr bson.D
	if d == nil {
		expr = bson.D{{Key: "$unsetField", Value: bson.D{
			{Key: "field", Value: bson.D{{Key: "$literal", Value: userID}}},
			{Key: "input", Value: state},
		}}}
	} else {
		expr = bson.D{{Key: "$setField", Value: bson.D{
			{Key: "field", Value: bson.D{{Key: "$literal", Value: userID}}},
			{Key: "input", Value: state},
			{Key: "value", Value: bson.D{{Key: "$literal", Value: toDialogueDoc(d)}}},
		}}}
	}
	return mongo.Pipeline{bson.D{{Key: "$set", Value: bson.D{
		{Key: "turns", Value: bson.D{{Key: "$ifNull", Value: bson.A{"$turns", bson.A{}}}}},
		{Key: "state", Value: expr},
		{Key: "updatedAt", Value: now},
	}}}}
}

func updatedBefore(before time.Time) bson.D {
	return bson.D{{Key: "updatedAt", Value: bson.D{{Key: "$lt", Value: before}}}}
}

// --- knowledge

func knowledgeKey(roomID, question string) bson.D {
	return bson.D{{Key: "roomId", Value: roomID}, {Key: "question", Value: question}}
}

// knowledgeLookup finds the room's answer and the one for every room (""),
// the room's first: "" sorts before any other string, so descending puts
// it last.
func knowledgeLookup(roomID, question string) (filter, sort bson.D) {
	return bson.D{
			{Key: "question", Value: question},
			{Key: "roomId", Value: bson.D{{Key: "$in", Value: bson.A{roomID, ""}}}},
		},
		bson.D{{Key: "roomId", Value: -1}}
}

func teach(k store.Knowledge, created time.Time) bson.D {
	return bson.D{{Key: "$set", Value: bson.D{
		{Key: "answer", Value: k.Answer},
		{Key: "taughtBy", Value: k.TaughtBy},
		{Key: "createdAt", Value: created},
	}}}
}

// --- services

func byAppID(appID string) bson.D { return bson.D{{Key: "appId", Value: appID}} }

func setSecret(hash string) bson.D {
	return bson.D{{Key: "$set", Value: bson.D{{Key: "secretHash", Value: hash}}}}
}

// lastSeqOnly projects a room down to its counters.
var lastSeqOnly = bson.D{{Key: "lastSeq", Value: 1}, {Key: "lastRev", Value: 1}}
