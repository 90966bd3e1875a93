package mongo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Append stores a batch (from groupcommit, usually) in one transaction:
//
//  1. read which of the batch's rooms exist, and which stored messages the
//     batch collides with, by id or by (senderId, clientMsgId) — one query
//     each;
//  2. decide, in memory, what each message becomes (planBatch): stored,
//     a duplicate of a stored or earlier in-batch message, or a failure
//     (attachments are checked against the files read in one more query);
//  3. reserve seqs for exactly the messages to store: one findOneAndUpdate
//     $inc by N per room;
//  4. write them with one unordered InsertMany, attach their files (one
//     bulk of updateMany, each guarded on the file being unattached), and
//     advance each sender's read cursor with one unordered bulk $max.
//
// Gap-free: duplicates and failures are known before step 3, so the $inc
// never reserves a seq that is not then used. If anything fails after the
// $inc — a concurrent batch stored one of our (sender, clientMsgId) pairs
// after our snapshot and the insert hits the unique index, a network error,
// a failover — the transaction aborts and the $inc goes with it: a reserved
// but unused seq can never be committed. Two batches for one room cannot
// both commit $inc on a stale lastSeq: the second gets a write conflict,
// which the driver retries as a whole. A duplicate-key abort is retried here
// (retryOnDuplicate): the next attempt's step 1 sees the concurrent original
// and answers it, as the contract wants, never an error.
func (s *Messages) Append(ctx context.Context, msgs []parley.Message) ([]store.AppendResult, error) {
	if len(msgs) == 0 {
		return []store.AppendResult{}, nil
	}
	ctx, cancel := s.db.bound(ctx)
	defer cancel()
	now := parley.Millis(s.db.cfg.Now()) // one clock read stamps the whole batch
	results, err := retryOnDuplicate(func() ([]store.AppendResult, error) {
		v, err := s.db.transact(ctx, func(ctx context.Context) (any, error) {
			return s.appendTx(ctx, msgs, now)
		})
		if err != nil {
			return nil, err
		}
		return v.([]store.AppendResult), nil
	})
	if err != nil {
		err = storeError(err, "")
		if parley.CodeOf(err) != parley.CodeInternal {
			// Per-message problems are in the results; a batch error means
			// nothing was stored, and the contract allows only these two.
			err = fmt.Errorf("messages were not stored: %w: %w", store.ErrUnavailable, err)
		}
		return nil, err
	}
	return results, nil
}

// appendTx is one attempt, inside the transaction. It builds everything
// afresh, as WithTransaction may call it again.
func (s *Messages) appendTx(ctx context.Context, msgs []parley.Message, now time.Time) ([]store.AppendResult, error) {
	roomIDs, ids, keys := batchKeys(msgs)
	if len(roomIDs) == 0 {
		// Nothing valid: every message fails validation, nothing to read.
		return planBatch(msgs, nil, nil, nil, now).results, nil
	}
	type idDoc struct {
		ID string `bson:"_id"`
	}
	found, err := findAll[idDoc](ctx, s.db.col(colRooms), idIn(roomIDs), options.Find().SetProjection(idOnly))
	if err != nil {
		return nil, err
	}
	rooms := make(map[string]bool, len(found))
	for _, r := range found {
		rooms[r.ID] = true
	}
	existing, err := findAll[messageDoc](ctx, s.db.col(colMessages), existingMessages(ids, keys), nil)
	if err != nil {
		return nil, err
	}
	var files map[string]fileDoc
	if fileIDs := attachmentIDs(msgs); len(fileIDs) > 0 {
		docs, err := findAll[fileDoc](ctx, s.db.col(colFiles), idIn(fileIDs), nil)
		if err != nil {
			return nil, err
		}
		files = make(map[string]fileDoc, len(docs))
		for _, d := range docs {
			files[d.ID] = d
		}
	}

	p := planBatch(msgs, rooms, existing, files, now)
	last := make(map[string]roomDoc, len(p.perRoom))
	for _, room := range p.roomOrder() {
		var d roomDoc
		err := s.db.col(colRooms).FindOneAndUpdate(ctx, byID(room), reserveSeqs(p.perRoom[room]),
			options.FindOneAndUpdate().SetReturnDocument(options.After).SetProjection(lastSeqOnly)).Decode(&d)
		if err != nil {
			if isNoDocuments(err) {
				return nil, fmt.Errorf("room %q vanished during an append: %w", room, err)
			}
			return nil, err
		}
		last[room] = d
	}
	docs, reads := p.assign(last)
	if len(docs) > 0 {
		if _, err := s.db.col(colMessages).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
			if mongo.IsDuplicateKeyError(err) && strings.Contains(err.Error(), "roomId_seq") {
				// Not a race (lastSeq is reserved atomically): the room's
				// lastSeq is behind its messages. Retrying cannot help.
				return nil, fmt.Errorf("a room's lastSeq is behind its messages: %w", err)
			}
			return nil, err
		}
	}
	if err := s.attach(ctx, p); err != nil {
		return nil, err
	}
	if len(reads) > 0 {
		models := make([]mongo.WriteModel, len(reads))
		for i, r := range reads {
			models[i] = mongo.NewUpdateOneModel().SetFilter(membership(r.room, r.user)).SetUpdate(advanceRead(r.seq))
		}
		if _, err := s.db.col(colMemberships).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
			return nil, err
		}
	}
	return p.results, nil
}

// attach sets the messageId of the files of the stored messages. The plan
// saw them unattached in this transaction's snapshot; a concurrent attach
// since then is a write conflict, which retries the whole transaction.
func (s *Messages) attach(ctx context.Context, p *plan) error {
	var models []mongo.WriteModel
	want := int64(0)
	for _, i := range p.insert {
		m := &p.results[i].Message
		if len(m.Attachments) == 0 {
			continue
		}
		models = append(models, mongo.NewUpdateManyModel().SetFilter(unattachedIn(m.Attachments)).SetUpdate(attachTo(m.ID)))
		want += int64(len(m.Attachments))
	}
	if len(models) == 0 {
		return nil
	}
	res, err := s.db.col(colFiles).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	if err != nil {
		return err
	}
	if res.ModifiedCount != want {
		return fmt.Errorf("attached %d of %d files", res.ModifiedCount, want)
	}
	return nil
}

// attachmentIDs are the files the batch's messages name, each once.
func attachmentIDs(msgs []parley.Message) []string {
	var ids []string
	for i := range msgs {
		ids = append(ids, msgs[i].Attachments...)
	}
	return uniq(ids)
}

// checkAttachments is store/sqlite's rule: at most parley.MaxAttachments
// distinct, existing files of m's room, uploaded by its sender, attached to
// no message (claimed: the files earlier messages of the batch attach).
func checkAttachments(m *parley.Message, files map[string]fileDoc, claimed map[string]bool) error {
	if len(m.Attachments) > parley.MaxAttachments {
		return fmt.Errorf("%d attachments, at most %d: %w", len(m.Attachments), parley.MaxAttachments, store.ErrInvalid)
	}
	seen := make(map[string]bool, len(m.Attachments))
	for _, id := range m.Attachments {
		if id == "" || seen[id] {
			return fmt.Errorf("attachment %q is empty or listed twice: %w", id, store.ErrInvalid)
		}
		seen[id] = true
	}
	for _, id := range m.Attachments {
		f, ok := files[id]
		switch {
		case !ok:
			return fmt.Errorf("file %q does not exist: %w", id, store.ErrInvalid)
		case f.RoomID != m.RoomID:
			return fmt.Errorf("file %q belongs to another room: %w", id, store.ErrInvalid)
		case f.UploaderID != m.SenderID:
			return fmt.Errorf("file %q was uploaded by someone else: %w", id, store.ErrInvalid)
		case f.MessageID != "" || claimed[id]:
			return fmt.Errorf("file %q is attached to another message: %w", id, store.ErrInvalid)
		}
	}
	return nil
}

// batchKeys are the rooms, ids and (sender, clientMsgId) pairs of the
// messages that pass validation, each once.
func batchKeys(msgs []parley.Message) (roomIDs, ids []string, keys []clientKey) {
	seenKey := map[clientKey]bool{}
	for i := range msgs {
		m := &msgs[i]
		if invalid(m) != nil {
			continue
		}
		roomIDs = append(roomIDs, m.RoomID)
		ids = append(ids, m.ID)
		if k := (clientKey{m.SenderID, m.ClientMsgID}); m.ClientMsgID != "" && !seenKey[k] {
			seenKey[k] = true
			keys = append(keys, k)
		}
	}
	return uniq(roomIDs), uniq(ids), keys
}

func invalid(m *parley.Message) error {
	switch {
	case m.ID == "":
		return fmt.Errorf("message id is required: %w", store.ErrInvalid)
	case m.SenderID == "":
		return fmt.Errorf("message sender is required: %w", store.ErrInvalid)
	case m.RoomID == "":
		return fmt.Errorf("room is required: %w", store.ErrInvalid)
	}
	return nil
}

// plan is what one Append attempt does, decided before anything is
// written.
type plan struct {
	msgs    []parley.Message
	results []store.AppendResult
	insert  []int            // indexes of msgs to store, in batch order
	dupOf   map[int]int      // index -> earlier index in the batch it repeats
	perRoom map[string]int64 // seqs to reserve per room
}

// planBatch decides each message's fate from the rooms that exist, the
// stored messages the batch collides with and the files it names, checking
// in store/sqlite's order: validation, room, (sender, clientMsgId)
// duplicate, attachments, id conflict.
func planBatch(msgs []parley.Message, rooms map[string]bool, existing []messageDoc, files map[string]fileDoc, now time.Time) *plan {
	p := &plan{msgs: msgs, results: make([]store.AppendResult, len(msgs)), dupOf: map[int]int{}, perRoom: map[string]int64{}}
	storedByKey := map[clientKey]*messageDoc{}
	storedIDs := map[string]bool{}
	for i := range existing {
		d := &existing[i]
		storedIDs[d.ID] = true
		if d.ClientMsgID != "" {
			storedByKey[clientKey{d.SenderID, d.ClientMsgID}] = d
		}
	}
	batchByKey := map[clientKey]int{}
	batchIDs := map[string]bool{}
	claimed := map[string]bool{}
	for i := range msgs {
		m := &msgs[i]
		if err := invalid(m); err != nil {
			p.results[i].Err = err
			continue
		}
		if !rooms[m.RoomID] {
			p.results[i].Err = fmt.Errorf("room %q: %w", m.RoomID, store.ErrNotFound)
			continue
		}
		k := clientKey{m.SenderID, m.ClientMsgID}
		if m.ClientMsgID != "" {
			if orig, ok := storedByKey[k]; ok {
				p.results[i] = store.AppendResult{Message: orig.message(), Duplicate: true}
				continue
			}
			if j, ok := batchByKey[k]; ok {
				p.dupOf[i] = j
				continue
			}
		}
		if len(m.Attachments) > 0 {
			if err := checkAttachments(m, files, claimed); err != nil {
				p.results[i].Err = err
				continue
			}
		}
		if storedIDs[m.ID] || batchIDs[m.ID] {
			p.results[i].Err = fmt.Errorf("message %q: %w", m.ID, store.ErrConflict)
			continue
		}
		for _, id := range m.Attachments {
			claimed[id] = true
		}
		if m.ClientMsgID != "" {
			batchByKey[k] = i
		}
		batchIDs[m.ID] = true
		p.insert = append(p.insert, i)
		p.perRoom[m.RoomID]++
		stored := *m
		stored.Deleted = false
		stored.CreatedAt = now
		if !m.CreatedAt.IsZero() {
			stored.CreatedAt = parley.Millis(m.CreatedAt)
		}
		// Our own copies, never nil, as reads return them.
		stored.Mentions = append(make([]string, 0, len(m.Mentions)), m.Mentions...)
		stored.Attachments = append(make([]string, 0, len(m.Attachments)), m.Attachments...)
		p.results[i].Message = stored
	}
	return p
}

// roomOrder is the rooms to reserve seqs in, sorted so every batch touches
// them in the same order.
func (p *plan) roomOrder() []string {
	rooms := make([]string, 0, len(p.perRoom))
	for r := range p.perRoom {
		rooms = append(rooms, r)
	}
	slices.Sort(rooms)
	return rooms
}

// readAdvance moves user's read cursor in room to seq.
type readAdvance struct {
	user, room string
	seq        int64
}

// assign gives the messages to store their seqs and revs, given each
// room's counters after the $inc (the last of the block reserved), and
// returns their documents and the senders' read cursors to advance.
func (p *plan) assign(last map[string]roomDoc) ([]any, []readAdvance) {
	next := make(map[string]int64, len(p.perRoom))
	nextRev := make(map[string]int64, len(p.perRoom))
	for room, n := range p.perRoom {
		next[room] = last[room].LastSeq - n + 1
		nextRev[room] = last[room].LastRev - n + 1
	}
	docs := make([]any, 0, len(p.insert))
	newest := map[[2]string]int64{}
	var order [][2]string
	for _, i := range p.insert {
		m := &p.results[i].Message
		m.Seq, m.Rev = next[m.RoomID], nextRev[m.RoomID]
		next[m.RoomID]++
		nextRev[m.RoomID]++
		docs = append(docs, toMessageDoc(m))
		k := [2]string{m.SenderID, m.RoomID}
		if _, ok := newest[k]; !ok {
			order = append(order, k)
		}
		newest[k] = m.Seq
	}
	for i, j := range p.dupOf {
		p.results[i] = store.AppendResult{Message: p.results[j].Message, Duplicate: true}
	}
	reads := make([]readAdvance, len(order))
	for n, k := range order {
		reads[n] = readAdvance{user: k[0], room: k[1], seq: newest[k]}
	}
	return docs, reads
}
