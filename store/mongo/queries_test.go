package mongo

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)

// wantJSON compares a document with its relaxed Extended JSON form, which
// is how mongosh shows it and how these expectations read best.
func wantJSON(t *testing.T, what string, doc any, want string) {
	t.Helper()
	// MarshalExtJSON needs a document at the top: wrap it.
	b, err := bson.MarshalExtJSON(bson.D{{Key: "q", Value: doc}}, false, false)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	got := string(b)
	got = got[len(`{"q":`) : len(got)-1]
	if got != want {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}

func TestQueryDocuments(t *testing.T) {
	pf, ps := publicRooms()
	hf, hs, hn := history("r1", 0, 10)
	hf2, _, _ := history("r1", 51, 45)
	af, as, an := after("r1", 15, 10)
	mf, ms := membersOf("r1")
	kf, ks := knowledgeLookup("r1", "lunch")
	of, osort := orphans(t0)
	if hn != 11 || an != 11 {
		t.Errorf("page queries ask for %d and %d documents, want limit+1 = 11", hn, an)
	}
	for _, c := range []struct {
		what string
		doc  any
		want string
	}{
		{"byID", byID("u1"), `{"_id":"u1"}`},
		{"idIn", idIn([]string{"a", "b"}), `{"_id":{"$in":["a","b"]}}`},
		{"byUsername", byUsername("ann"), `{"username":"ann"}`},
		{"public rooms", pf, `{"kind":"group","private":false}`},
		{"public rooms sort", ps, `{"name":1,"_id":1}`},
		{"direct room", byDirectKey("a:b"), `{"directKey":"a:b"}`},
		{"reserve seqs", reserveSeqs(5), `{"$inc":{"lastSeq":5,"lastRev":5}}`},
		{"next rev", nextRev(), `[{"$set":{"lastRev":{"$add":[{"$ifNull":["$lastRev",0]},1]}}},{"$set":{"lastChange":"$lastRev"}}]`},
		{"membership", membership("r1", "u1"), `{"userId":"u1","roomId":"r1"}`},
		{"members", mf, `{"roomId":"r1"}`},
		{"members sort", ms, `{"joinedAt":1,"userId":1}`},
		{"rooms of", roomsOfUser("u1"), `{"userId":"u1"}`},
		{"advance read", advanceRead(7), `{"$max":{"readSeq":7}}`},
		{"history from newest", hf, `{"roomId":"r1","seq":{"$lt":9223372036854775807}}`},
		{"history before", hf2, `{"roomId":"r1","seq":{"$lt":51}}`},
		{"history sort", hs, `{"seq":-1}`},
		{"after", af, `{"roomId":"r1","seq":{"$gt":15}}`},
		{"after sort", as, `{"seq":1}`},
		{"message in room", messageInRoom("r1", "m1"), `{"_id":"m1","roomId":"r1"}`},
		{"tombstone", tombstone(), `{"text":"","mentions":[],"reactions":[],"attachments":[],"deleted":true,"grams":[],"gramsCut":false}`},
		{"existing messages", existingMessages([]string{"m1", "m2"}, []clientKey{{"u1", "c1"}, {"u2", "c1"}}),
			`{"$or":[{"_id":{"$in":["m1","m2"]}},{"senderId":"u1","clientMsgId":"c1"},{"senderId":"u2","clientMsgId":"c1"}]}`},
		{"memory", byRoomID("r1"), `{"roomId":"r1"}`},
		{"orphans", of, `{"orphan":true,"$or":[{"messageDeleted":true},{"createdAt":{"$lt":{"$date":"2026-01-02T03:04:05.006Z"}}}]}`},
		{"orphans sort", osort, `{"createdAt":1,"_id":1}`},
		{"stored bytes", sumSizes(), `[{"$group":{"_id":null,"total":{"$sum":"$size"}}}]`},
		{"unattached files", unattachedIn([]string{"f1", "f2"}), `{"_id":{"$in":["f1","f2"]},"messageId":{"$exists":false}}`},
		{"attach", attachTo("m1"), `{"$set":{"messageId":"m1"},"$unset":{"orphan":""}}`},
		{"files of", filesOf("m1"), `{"messageId":"m1"}`},
		{"release", release(), `{"$set":{"messageDeleted":true,"orphan":true}}`},
		{"blob", byFilename("k1"), `{"filename":"k1"}`},
		{"add turns", addTurns([]store.Turn{{MessageID: "m1", Role: "user", UserID: "u1", Name: "ann", Text: "hi", At: t0}}, 3, t0),
			`{"$push":{"turns":{"$each":[{"messageId":"m1","role":"user","userId":"u1","name":"ann","text":"hi","at":{"$date":"2026-01-02T03:04:05.006Z"}}],"$slice":-3}},` +
				`"$set":{"updatedAt":{"$date":"2026-01-02T03:04:05.006Z"}},"$setOnInsert":{"state":{}}}`},
		{"set dialogue", setDialogue("u.1", &store.Dialogue{Stage: "WAIT", Answer: "$5", ExpiresAt: t0}, t0),
			`[{"$set":{"turns":{"$ifNull":["$turns",[]]},"state":{"$setField":{"field":{"$literal":"u.1"},"input":{"$ifNull":["$state",{}]},` +
				`"value":{"$literal":{"stage":"WAIT","skill":"","question":"","answer":"$5","slots":null,"expiresAt":{"$date":"2026-01-02T03:04:05.006Z"}}}}},` +
				`"updatedAt":{"$date":"2026-01-02T03:04:05.006Z"}}}]`},
		{"end dialogue", setDialogue("u1", nil, t0),
			`[{"$set":{"turns":{"$ifNull":["$turns",[]]},"state":{"$unsetField":{"field":{"$literal":"u1"},"input":{"$ifNull":["$state",{}]}}},` +
				`"updatedAt":{"$date":"2026-01-02T03:04:05.006Z"}}}]`},
		{"expire", updatedBefore(t0), `{"updatedAt":{"$lt":{"$date":"2026-01-02T03:04:05.006Z"}}}`},
		{"knowledge key", knowledgeKey("", "q"), `{"roomId":"","question":"q"}`},
		{"knowledge lookup", kf, `{"question":"lunch","roomId":{"$in":["r1",""]}}`},
		{"knowledge lookup sort: the room's answer before the global one", ks, `{"roomId":-1}`},
		{"teach", teach(store.Knowledge{Answer: "noon", TaughtBy: "u1"}, t0),
			`{"$set":{"answer":"noon","taughtBy":"u1","createdAt":{"$date":"2026-01-02T03:04:05.006Z"}}}`},
		{"service", byAppID("app"), `{"appId":"app"}`},
		{"rotate secret", setSecret("h2"), `{"$set":{"secretHash":"h2"}}`},
	} {
		wantJSON(t, c.what, c.doc, c.want)
	}
}

// TestDocumentsOmitEmptyKeys: the partial (senderId, clientMsgId) and sparse
// directKey unique indexes only work if an empty value is absent, not "".
func TestDocumentsOmitEmptyKeys(t *testing.T) {
	wantJSON(t, "message without clientMsgId", toMessageDoc(&parley.Message{ID: "m1", RoomID: "r1", Seq: 1, SenderID: "u1", Text: "hi", CreatedAt: t0}),
		`{"_id":"m1","roomId":"r1","seq":1,"rev":0,"senderId":"u1","text":"hi","mentions":[],"createdAt":{"$date":"2026-01-02T03:04:05.006Z"},"grams":[]}`)
	wantJSON(t, "group room", toRoomDoc(&parley.Room{ID: "r1", Name: "n", Kind: parley.RoomGroup, CreatedAt: t0}),
		`{"_id":"r1","name":"n","topic":"","kind":"group","private":false,"ownerId":"","lastSeq":0,"lastRev":0,"createdAt":{"$date":"2026-01-02T03:04:05.006Z"}}`)
	m := messageDoc{ID: "m1"}
	if got := m.message().Mentions; got == nil || len(got) != 0 {
		t.Errorf("mentions of a stored message without any = %#v, want []string{}", got)
	}
}
