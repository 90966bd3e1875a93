package parleyclient

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/parley-chat/parley/protocol"
)

// Client -> server event names.
const (
	eventJoin     = "room:join"
	eventLeave    = "room:leave"
	eventSend     = "message:send"
	eventHistory  = "history"
	eventSync     = "sync"
	eventRead     = "read"
	eventTyping   = "typing"
	eventDM       = "dm:open"
	eventInvite   = "room:invite"
	eventKick     = "room:kick"
	eventDelete   = "message:delete"
	eventSkill    = "skill:register"
	eventSkillAsk = "skill:request"
)

// JoinResult is a joined room and its members (with presence).
type JoinResult struct {
	Room    protocol.Room   `json:"room"`
	Members []protocol.User `json:"members"`
}

// JoinRoom joins a public group room (idempotent).
func (c *Client) JoinRoom(ctx context.Context, room string) (JoinResult, error) {
	var r JoinResult
	err := c.call(ctx, eventJoin, roomPayload{room}, &r, retryOnDisconnect)
	return r, err
}

// LeaveRoom leaves a group room; leaving a room one is not in is a no-op.
func (c *Client) LeaveRoom(ctx context.Context, room string) error {
	return c.call(ctx, eventLeave, roomPayload{room}, nil, retryOnDisconnect)
}

// SendRequest is a message to send. ClientMsgID is its idempotency key:
// left empty, Send makes one up; the same key sent again (Send retrying
// after a lost connection, or the caller retrying after an error) returns
// the message stored the first time instead of storing it twice.
// ReplyTo, if set, is the id of a message of the same room this one
// answers. Attachments are ids of files the caller uploaded to the room
// (Upload) and has not attached yet; with them Text may be empty.
type SendRequest struct {
	Room        string   `json:"room"`
	Text        string   `json:"text"`
	ClientMsgID string   `json:"clientMsgId"`
	ReplyTo     string   `json:"replyTo,omitempty"`
	Attachments []string `json:"attachments,omitempty"`
}

// Send stores a message and returns it as stored (with its seq). The
// message also reaches OnMessage, like everyone else's.
func (c *Client) Send(ctx context.Context, req SendRequest) (protocol.Message, error) {
	if req.ClientMsgID == "" {
		req.ClientMsgID = NewClientMsgID()
	}
	var r struct {
		Message protocol.Message `json:"message"`
	}
	err := c.call(ctx, eventSend, req, &r, retryOnDisconnect)
	return r.Message, err
}

// NewClientMsgID returns a fresh idempotency key for SendRequest.
func NewClientMsgID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "go-" + hex.EncodeToString(b[:])
}

// History returns up to limit messages older than before (0: the newest),
// oldest first; limit 0 is the server's default (50), at most 100.
func (c *Client) History(ctx context.Context, room string, before int64, limit int) (protocol.Page, error) {
	var p protocol.Page
	err := c.call(ctx, eventHistory, struct {
		Room   string `json:"room"`
		Before int64  `json:"before,omitempty"`
		Limit  int    `json:"limit,omitempty"`
	}{room, before, limit}, &p, retryOnDisconnect)
	return p, err
}

// Sync returns, for every room of the caller, the messages after its
// cursor (after the server's read cursor for rooms not named): up to 100
// a room, and in all at most what the server answers at once
// (PARLEY_SYNC_MAX_MESSAGES, PARLEY_MAX_ANSWER_BYTES). A page's HasMore
// says to call again; the client's own catch-up does so by itself, and
// Sync does not touch it.
func (c *Client) Sync(ctx context.Context, cursors map[string]int64) (map[string]protocol.Page, error) {
	if cursors == nil {
		cursors = map[string]int64{}
	}
	var r struct {
		Rooms map[string]protocol.Page `json:"rooms"`
	}
	err := c.call(ctx, eventSync, struct {
		Cursors map[string]int64 `json:"cursors"`
	}{cursors}, &r, retryOnDisconnect)
	return r.Rooms, err
}

// Read moves the caller's read cursor in room to seq (never backwards) and
// returns where it is.
func (c *Client) Read(ctx context.Context, room string, seq int64) (int64, error) {
	var r struct {
		ReadSeq int64 `json:"readSeq"`
	}
	err := c.call(ctx, eventRead, struct {
		Room string `json:"room"`
		Seq  int64  `json:"seq"`
	}{room, seq}, &r, retryOnDisconnect)
	return r.ReadSeq, err
}

// Typing tells the room's other members the caller started or stopped
// typing.
func (c *Client) Typing(ctx context.Context, room string, typing bool) error {
	return c.call(ctx, eventTyping, struct {
		Room   string `json:"room"`
		Typing bool   `json:"typing"`
	}{room, typing}, nil, retryOnDisconnect)
}

// OpenDM returns the direct room of the caller and username, creating it
// the first time.
func (c *Client) OpenDM(ctx context.Context, username string) (protocol.Room, error) {
	var r struct {
		Room protocol.Room `json:"room"`
	}
	err := c.call(ctx, eventDM, struct {
		User string `json:"user"`
	}{username}, &r, retryOnDisconnect)
	return r.Room, err
}

// Invite adds username to a room the caller owns or administers.
func (c *Client) Invite(ctx context.Context, room, username string) error {
	return c.call(ctx, eventInvite, roomUserPayload{room, username}, nil, retryOnDisconnect)
}

// Kick removes username from a room the caller owns or administers. It is
// not retried after a lost connection: a second kick would answer
// NOT_FOUND for a kick that worked.
func (c *Client) Kick(ctx context.Context, room, username string) error {
	return c.call(ctx, eventKick, roomUserPayload{room, username}, nil, sendOnce)
}

// DeleteMessage tombstones a message (its sender's or, for moderators,
// anyone's); the room gets message:deleted and message:updated.
func (c *Client) DeleteMessage(ctx context.Context, room, id string) error {
	return c.call(ctx, eventDelete, struct {
		Room string `json:"room"`
		ID   string `json:"id"`
	}{room, id}, nil, retryOnDisconnect)
}

type roomPayload struct {
	Room string `json:"room"`
}

type roomUserPayload struct {
	Room string `json:"room"`
	User string `json:"user"`
}
