package rooms

import (
	"encoding/json"
	"fmt"

	"github.com/parley-chat/parley/protocol"
)

// Answers are bounded in total, not only per room: without it a user in
// many rooms gets up to a full page of every room in one sync ack, and a
// socket that asks for history without reading queues acks of megabytes.
// A cut answer says hasMore, and the client asks again from where it got.
const (
	// DefaultSyncMaxMessages is the messages one sync answer carries
	// across all rooms when Config.SyncMaxMessages is zero.
	DefaultSyncMaxMessages = 1000
	// DefaultMaxAnswerBytes is the encoded size of the messages in one
	// sync or history answer when Config.MaxAnswerBytes is zero.
	DefaultMaxAnswerBytes = 1 << 20
)

// budget is what one answer may still carry. Its first message is always
// taken whatever its size (a message is bounded by the text limit), so
// every answer makes progress and a client following hasMore gets
// everything.
type budget struct {
	messages int
	bytes    int
	taken    int
	full     bool // a message did not fit: later rooms need not be read
}

func newBudget(messages, bytes int) *budget { return &budget{messages: messages, bytes: bytes} }

// spent reports whether no further message can fit.
func (b *budget) spent() bool { return b.full || b.messages <= 0 }

// fits counts m against the budget if it fits, and reports whether it did.
func (b *budget) fits(m protocol.Message) (bool, error) {
	if b.messages <= 0 {
		b.full = true
		return false, nil
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return false, fmt.Errorf("measure message %s: %w", m.ID, err)
	}
	n := len(raw) + 1 // and the comma that separates it from the next
	if b.taken > 0 && n > b.bytes {
		b.full = true
		return false, nil
	}
	b.messages--
	b.bytes -= n
	b.taken++
	return true, nil
}

// head returns the longest prefix of msgs that fits (the oldest, for
// paging forwards) and whether any were left out.
func (b *budget) head(msgs []protocol.Message) ([]protocol.Message, bool, error) {
	for i, m := range msgs {
		ok, err := b.fits(m)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return msgs[:i], true, nil
		}
	}
	return msgs, false, nil
}

// tail returns the longest suffix of msgs that fits (the newest, for
// paging backwards) and whether any were left out.
func (b *budget) tail(msgs []protocol.Message) ([]protocol.Message, bool, error) {
	for i := len(msgs) - 1; i >= 0; i-- {
		ok, err := b.fits(msgs[i])
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return msgs[i+1:], true, nil
		}
	}
	return msgs, false, nil
}
