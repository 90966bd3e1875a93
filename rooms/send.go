package rooms

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/store"
)

// maxClientMsgID bounds the client's idempotency key.
const maxClientMsgID = 128

// SendRequest is a message:send from a client.
type SendRequest struct {
	Room        string
	Text        string
	ClientMsgID string
	// StreamID links a bot's final message to the message:stream deltas
	// that preceded it.
	StreamID string
	// ReplyTo is the id of a message of the same room that this one
	// answers.
	ReplyTo string
	// Attachments are ids of files the sender uploaded to Room and has not
	// attached yet, in the order shown; with them, Text may be empty.
	Attachments []string
	// ReceivedAt is when the transport got the event (default: now); the
	// ack and fan-out latencies are measured from it.
	ReceivedAt time.Time
}

// Send runs the message pipeline: rate limit -> validate -> membership ->
// filter -> mentions -> durable append -> ack -> fan-out. ack (optional) is
// called once the message is stored and before the room sees it. A retry
// with the same ClientMsgID returns the stored original and is not fanned
// out again. If ctx or the store deadline ends while the message is being
// committed, Send returns UNAVAILABLE and the message, if it is stored after
// all, is still fanned out (once, without an ack).
func (h *Hub) Send(ctx context.Context, sender parley.User, req SendRequest, ack func(protocol.Message)) (protocol.Message, error) {
	received := req.ReceivedAt
	if received.IsZero() {
		received = h.cfg.Now()
	}
	h.metrics.received.Inc()
	if !h.limiter.Allow(ctx, sender.ID) {
		h.metrics.rateLimited.Inc()
		return protocol.Message{}, parley.Errorf(parley.CodeRateLimited, "you are sending messages too fast")
	}
	return h.send(ctx, sender, req, received, ack)
}

// Post is Send for the server's own accounts (the assistant): the same
// validation, filter, durable append and fan-out, without the per-user rate
// limit meant for people, and not counted as a received client event.
func (h *Hub) Post(ctx context.Context, sender parley.User, req SendRequest) (protocol.Message, error) {
	received := req.ReceivedAt
	if received.IsZero() {
		received = h.cfg.Now()
	}
	return h.send(ctx, sender, req, received, nil)
}

func (h *Hub) send(ctx context.Context, sender parley.User, req SendRequest, received time.Time, ack func(protocol.Message)) (protocol.Message, error) {
	text, err := h.validate(req)
	if err != nil {
		return protocol.Message{}, err
	}
	attachments, err := validAttachments(req.Attachments)
	if err != nil {
		return protocol.Message{}, err
	}
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	member, err := h.member(ctx, sender.ID, req.Room)
	if err != nil {
		return protocol.Message{}, err
	}
	quoted, err := h.quoted(ctx, member.RoomID, req.ReplyTo)
	if err != nil {
		return protocol.Message{}, err
	}
	text, _ = h.cfg.Filter.Mask(text)
	mentions, err := h.mentions(ctx, text)
	if err != nil {
		return protocol.Message{}, err
	}
	// A stored message is published exactly once, by the node that stored
	// it: by this call, or, when ctx ended while its batch was committing
	// (the sender got UNAVAILABLE and will retry), by the committer through
	// late. A retry then finds it stored (Duplicate) and publishes nothing,
	// whichever node it lands on. A node that dies between its commit and
	// its publish leaves the message stored but never broadcast; members
	// get it from sync or history (docs/protocol.md §7.3). A "published"
	// flag in the store would let a retry finish the job, but needs a
	// claim written before every publish, a second write per message, for
	// the crash window alone.
	late := func(res store.AppendResult) {
		if res.Duplicate {
			return
		}
		h.log.Info("message stored after its sender gave up; publishing it", "room", res.Message.RoomID, "id", res.Message.ID)
		wire, err := h.wireOf(context.Background(), res.Message, sender, quoted)
		if err != nil {
			// Members get it, attachments and all, from sync or history.
			h.log.Error("message stored late could not be published", "room", res.Message.RoomID, "id", res.Message.ID, "err", err)
			return
		}
		h.publish(Posted{Message: res.Message, Sender: sender, Quoted: quoted.stored}, wire, received)
	}
	res, err := h.committer.AppendOr(ctx, parley.Message{
		ID:          h.cfg.NewID(),
		RoomID:      member.RoomID,
		SenderID:    sender.ID,
		Text:        text,
		Mentions:    mentions,
		ClientMsgID: req.ClientMsgID,
		StreamID:    req.StreamID,
		ReplyTo:     quoted.id(),
		Attachments: attachments,
		CreatedAt:   h.now(),
	}, late)
	if err != nil {
		return protocol.Message{}, attachmentsRefused(err, len(attachments) > 0)
	}
	msg, err := h.wireOf(ctx, res.Message, sender, quoted)
	if err != nil {
		// Stored but not shown: the sender's retry (same clientMsgId) gets
		// it as a duplicate, and it is published here meanwhile.
		h.publishLater(res, sender, quoted, received)
		return protocol.Message{}, err
	}
	h.metrics.ackSeconds.Observe(time.Since(received).Seconds())
	if ack != nil {
		ack(msg)
	}
	if res.Duplicate {
		return msg, nil
	}
	h.publish(Posted{Message: res.Message, Sender: sender, Quoted: quoted.stored}, msg, received)
	return msg, nil
}

// wireOf is a message just stored as its room reads it. Only a message
// with attachments costs a store read (its files).
func (h *Hub) wireOf(ctx context.Context, m parley.Message, sender parley.User, quoted quote) (protocol.Message, error) {
	return h.attachOne(ctx, m, quoted.onto(protocol.MessageOf(m, protocol.UserOf(sender))))
}

// publishLater publishes a stored message whose files could not be read
// in the sender's time, without the ack.
func (h *Hub) publishLater(res store.AppendResult, sender parley.User, quoted quote, received time.Time) {
	if res.Duplicate {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), h.cfg.StoreTimeout)
		defer cancel()
		wire, err := h.wireOf(ctx, res.Message, sender, quoted)
		if err != nil {
			h.log.Error("message with attachments stored but not published; members get it from sync", "room", res.Message.RoomID, "id", res.Message.ID, "err", err)
			return
		}
		h.publish(Posted{Message: res.Message, Sender: sender, Quoted: quoted.stored}, wire, received)
	}()
}

// Posted is a message the hub has just stored and fanned out, with its
// sender: what observers such as the assistant are told.
type Posted struct {
	Message parley.Message
	Sender  parley.User
	// Quoted is the message this one replies to, if any.
	Quoted *parley.Message
	// Edited is set when Message was edited rather than sent: then
	// Message.Mentions holds only the names the edit added.
	Edited bool
}

// publish fans a stored message out to its room and tells observers.
func (h *Hub) publish(p Posted, wire protocol.Message, received time.Time) {
	n := h.emit.EmitCounted(roomTarget(wire.Room), protocol.EventMessage, wire)
	h.metrics.fanout.Observe(time.Since(received).Seconds())
	h.metrics.delivered.Add(float64(n))
	h.metrics.roomActive(wire.Room)
	h.notify(p)
}

// notify tells the observers (OnMessage) of p.
func (h *Hub) notify(p Posted) {
	h.mu.Lock()
	obs := h.observers
	h.mu.Unlock()
	for _, fn := range obs {
		fn(p)
	}
}

func (h *Hub) validate(req SendRequest) (string, error) {
	if strings.TrimSpace(req.Room) == "" {
		return "", parley.Errorf(parley.CodeBadRequest, "room is required")
	}
	if req.ClientMsgID == "" {
		return "", parley.Errorf(parley.CodeBadRequest, "clientMsgId is required")
	}
	if len(req.ClientMsgID) > maxClientMsgID {
		return "", parley.Errorf(parley.CodeBadRequest, "clientMsgId is longer than %d characters", maxClientMsgID)
	}
	if len(req.Attachments) > 0 && strings.TrimSpace(req.Text) == "" {
		return "", nil // files alone are a message
	}
	return h.validText(req.Text)
}

// validText is the text of a send or an edit, trimmed: valid UTF-8, not
// empty, not longer than MaxTextLength.
func (h *Hub) validText(text string) (string, error) {
	text = strings.TrimSpace(text)
	if !utf8.ValidString(text) {
		return "", parley.Errorf(parley.CodeBadRequest, "text is not valid UTF-8")
	}
	n := utf8.RuneCountInString(text)
	if n == 0 {
		return "", parley.Errorf(parley.CodeBadRequest, "text is empty")
	}
	if n > h.cfg.MaxTextLength {
		return "", parley.Errorf(parley.CodeTooLarge, "text is longer than %d characters", h.cfg.MaxTextLength)
	}
	return text, nil
}

// mentions keeps the @names in text that are real accounts, in the order
// written, with one store read.
func (h *Hub) mentions(ctx context.Context, text string) ([]string, error) {
	names := MentionCandidates(text)
	if len(names) == 0 {
		return nil, nil
	}
	users, err := h.store.Users.ByUsernames(ctx, names)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(users))
	for _, u := range users {
		known[u.Username] = true
	}
	var out []string
	for _, name := range names {
		if known[name] {
			out = append(out, name)
		}
	}
	return out, nil
}
