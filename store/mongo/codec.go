package mongo

import (
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// The documents of docs/data-model.md. Times are BSON dates, which keep milliseconds
// like every backend (parley.Millis); the TTL index needs a date, too.
// Optional keys are omitted when empty, never stored as "": the partial and
// sparse unique indexes skip documents that lack them.

type userDoc struct {
	ID           string    `bson:"_id"`
	Username     string    `bson:"username"` // lower case: the unique index is exact
	DisplayName  string    `bson:"displayName"`
	Kind         string    `bson:"kind"`
	PasswordHash string    `bson:"passwordHash"`
	CreatedAt    time.Time `bson:"createdAt"`
	// Admin and Disabled are left out while false: the accounts stored
	// before they existed read the same.
	Admin    bool `bson:"admin,omitempty"`
	Disabled bool `bson:"disabled,omitempty"`
}

func (d *userDoc) user() parley.User {
	return parley.User{ID: d.ID, Username: d.Username, DisplayName: d.DisplayName,
		Kind: parley.UserKind(d.Kind), PasswordHash: d.PasswordHash, CreatedAt: d.CreatedAt.UTC(),
		Admin: d.Admin, Disabled: d.Disabled}
}

type roomDoc struct {
	ID      string `bson:"_id"`
	Name    string `bson:"name"`
	Topic   string `bson:"topic"`
	Kind    string `bson:"kind"`
	Private bool   `bson:"private"`
	OwnerID string `bson:"ownerId"`
	LastSeq int64  `bson:"lastSeq"`
	LastRev int64  `bson:"lastRev"` // absent before edits existed: 0
	// LastChange is the rev of the newest change (store.Edits); absent: 0.
	LastChange int64     `bson:"lastChange,omitempty"`
	DirectKey  string    `bson:"directKey,omitempty"`
	CreatedAt  time.Time `bson:"createdAt"`
}

func toRoomDoc(r *parley.Room) roomDoc {
	return roomDoc{ID: r.ID, Name: r.Name, Topic: r.Topic, Kind: string(r.Kind), Private: r.Private,
		OwnerID: r.OwnerID, LastSeq: r.LastSeq, LastRev: r.LastRev, LastChange: r.LastChange, DirectKey: r.DirectKey, CreatedAt: r.CreatedAt}
}

func (d *roomDoc) room() parley.Room {
	return parley.Room{ID: d.ID, Name: d.Name, Topic: d.Topic, Kind: parley.RoomKind(d.Kind), Private: d.Private,
		OwnerID: d.OwnerID, LastSeq: d.LastSeq, LastRev: d.LastRev, LastChange: d.LastChange, DirectKey: d.DirectKey, CreatedAt: d.CreatedAt.UTC()}
}

type membershipDoc struct {
	RoomID   string    `bson:"roomId"`
	UserID   string    `bson:"userId"`
	Role     string    `bson:"role"`
	JoinedAt time.Time `bson:"joinedAt"`
	ReadSeq  int64     `bson:"readSeq"`
	// Notify is absent until the member chooses a level.
	Notify string `bson:"notify,omitempty"`
}

func (d *membershipDoc) membership() parley.Membership {
	return parley.Membership{RoomID: d.RoomID, UserID: d.UserID, Role: parley.Role(d.Role),
		JoinedAt: d.JoinedAt.UTC(), ReadSeq: d.ReadSeq, Notify: parley.NotifyLevel(d.Notify)}
}

// Changed marks the messages changed after they were stored, which the
// partial index of store.Edits.Changes holds.
type messageDoc struct {
	ID          string        `bson:"_id"`
	RoomID      string        `bson:"roomId"`
	Seq         int64         `bson:"seq"`
	Rev         int64         `bson:"rev"`
	SenderID    string        `bson:"senderId"`
	Text        string        `bson:"text"`
	Mentions    []string      `bson:"mentions"`
	ClientMsgID string        `bson:"clientMsgId,omitempty"`
	StreamID    string        `bson:"streamId,omitempty"`
	ReplyTo     string        `bson:"replyTo,omitempty"`
	Reactions   []reactionDoc `bson:"reactions,omitempty"`
	Attachments []string      `bson:"attachments,omitempty"`
	Deleted     bool          `bson:"deleted,omitempty"`
	Changed     bool          `bson:"changed,omitempty"`
	CreatedAt   time.Time     `bson:"createdAt"`
	EditedAt    time.Time     `bson:"editedAt,omitempty"` // time.Time is a Zeroer: omitted when zero
	// Grams are the distinct trigrams of the text, which search finds
	// messages by (grams.go); empty for a deleted message. GramsCut marks
	// a text with more than maxGrams of them.
	Grams    []string `bson:"grams"`
	GramsCut bool     `bson:"gramsCut,omitempty"`
}

type reactionDoc struct {
	Emoji string   `bson:"emoji"`
	Users []string `bson:"users"`
}

func toReactionDocs(rs []parley.Reaction) []reactionDoc {
	out := make([]reactionDoc, len(rs))
	for i, r := range rs {
		out[i] = reactionDoc{Emoji: r.Emoji, Users: r.UserIDs}
	}
	return out
}

func toMessageDoc(m *parley.Message) messageDoc {
	mentions := m.Mentions
	if mentions == nil {
		mentions = []string{} // an array, never null, as SQLite's '[]'
	}
	grams, cut := []string{}, false
	if !m.Deleted {
		grams, cut = trigrams(m.Text, maxGrams)
	}
	return messageDoc{ID: m.ID, RoomID: m.RoomID, Seq: m.Seq, Rev: m.Rev, SenderID: m.SenderID, Text: m.Text,
		Mentions: mentions, ClientMsgID: m.ClientMsgID, StreamID: m.StreamID, ReplyTo: m.ReplyTo,
		Reactions: toReactionDocs(m.Reactions), Attachments: m.Attachments, Deleted: m.Deleted,
		CreatedAt: m.CreatedAt, EditedAt: m.EditedAt, Grams: grams, GramsCut: cut}
}

// message returns a non-nil Mentions and Attachments, so a message always
// serialises "mentions": [] rather than null.
func (d *messageDoc) message() parley.Message {
	mentions := append(make([]string, 0, len(d.Mentions)), d.Mentions...)
	reactions := make([]parley.Reaction, len(d.Reactions))
	for i, r := range d.Reactions {
		reactions[i] = parley.Reaction{Emoji: r.Emoji, UserIDs: r.Users}
	}
	m := parley.Message{ID: d.ID, RoomID: d.RoomID, Seq: d.Seq, Rev: d.Rev, SenderID: d.SenderID, Text: d.Text,
		Mentions: mentions, ClientMsgID: d.ClientMsgID, StreamID: d.StreamID, ReplyTo: d.ReplyTo,
		Reactions: reactions, Attachments: append(make([]string, 0, len(d.Attachments)), d.Attachments...),
		Deleted: d.Deleted, CreatedAt: d.CreatedAt.UTC()}
	if !d.EditedAt.IsZero() {
		m.EditedAt = d.EditedAt.UTC()
	}
	return m
}

// serviceDoc marks the services made from the command line (cli) rather
// than the configured ones, so that the documents stored before the field
// existed, which all came from PARLEY_SERVICES, read as configured.
type serviceDoc struct {
	AppID      string    `bson:"appId"`
	SecretHash string    `bson:"secretHash"`
	UserID     string    `bson:"userId"`
	CreatedAt  time.Time `bson:"createdAt"`
	CLI        bool      `bson:"cli,omitempty"`
	Revoked    bool      `bson:"revoked,omitempty"`
}

func (d *serviceDoc) service() store.Service {
	return store.Service{AppID: d.AppID, SecretHash: d.SecretHash, UserID: d.UserID, CreatedAt: d.CreatedAt.UTC(),
		Configured: !d.CLI, Revoked: d.Revoked}
}

type turnDoc struct {
	MessageID string    `bson:"messageId"`
	Role      string    `bson:"role"`
	UserID    string    `bson:"userId"`
	Name      string    `bson:"name"`
	Text      string    `bson:"text"`
	At        time.Time `bson:"at"`
}

type dialogueDoc struct {
	Stage     string            `bson:"stage"`
	Skill     string            `bson:"skill"`
	Question  string            `bson:"question"`
	Answer    string            `bson:"answer"`
	Slots     map[string]string `bson:"slots"`
	ExpiresAt time.Time         `bson:"expiresAt"`
}

// memoryDoc keeps dialogues in "state", keyed by user id.
type memoryDoc struct {
	RoomID    string                 `bson:"roomId"`
	Turns     []turnDoc              `bson:"turns"`
	State     map[string]dialogueDoc `bson:"state"`
	UpdatedAt time.Time              `bson:"updatedAt"`
}

func toTurnDocs(turns []store.Turn) []turnDoc {
	docs := make([]turnDoc, len(turns))
	for i, t := range turns {
		docs[i] = turnDoc{MessageID: t.MessageID, Role: t.Role, UserID: t.UserID, Name: t.Name,
			Text: t.Text, At: parley.Millis(t.At)}
	}
	return docs
}

func toDialogueDoc(d *store.Dialogue) dialogueDoc {
	return dialogueDoc{Stage: d.Stage, Skill: d.Skill, Question: d.Question, Answer: d.Answer,
		Slots: d.Slots, ExpiresAt: parley.Millis(d.ExpiresAt)}
}

func (d *memoryDoc) memory() *store.Memory {
	m := &store.Memory{RoomID: d.RoomID, Dialogues: make(map[string]store.Dialogue, len(d.State)),
		UpdatedAt: d.UpdatedAt.UTC()}
	for _, t := range d.Turns {
		m.Turns = append(m.Turns, store.Turn{MessageID: t.MessageID, Role: t.Role, UserID: t.UserID,
			Name: t.Name, Text: t.Text, At: t.At.UTC()})
	}
	for user, s := range d.State {
		m.Dialogues[user] = store.Dialogue{Stage: s.Stage, Skill: s.Skill, Question: s.Question,
			Answer: s.Answer, Slots: s.Slots, ExpiresAt: s.ExpiresAt.UTC()}
	}
	return m
}

type knowledgeDoc struct {
	RoomID    string    `bson:"roomId"`
	Question  string    `bson:"question"`
	Answer    string    `bson:"answer"`
	TaughtBy  string    `bson:"taughtBy"`
	CreatedAt time.Time `bson:"createdAt"`
}
