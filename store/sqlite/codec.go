package sqlite

import (
	"encoding/json"
	"time"

	"github.com/parley-chat/parley"
)

// Columns hold times as unix milliseconds, so ordering and range queries
// compare integers and every backend keeps the same precision.
func toMillis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// encodeMentions stores mentions (and attachments, the same shape) as a
// JSON array; never NULL or "null".
func encodeMentions(m []string) (string, error) {
	if len(m) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// decodeMentions returns a non-nil slice, so a message always serialises
// "mentions": [] rather than null.
func decodeMentions(s string) ([]string, error) {
	m := []string{}
	if s == "" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	if m == nil {
		m = []string{}
	}
	return m, nil
}

// placeholders is "?, ?, ..." with n marks, for IN lists.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	b := make([]byte, 0, 3*n)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}

// reactionJSON is a stored reaction: the column holds a JSON array of
// them, in the order the emoji were first used.
type reactionJSON struct {
	Emoji string   `json:"e"`
	Users []string `json:"u"`
}

func encodeReactions(rs []parley.Reaction) (string, error) {
	if len(rs) == 0 {
		return "[]", nil
	}
	out := make([]reactionJSON, len(rs))
	for i, r := range rs {
		out[i] = reactionJSON{Emoji: r.Emoji, Users: r.UserIDs}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// decodeReactions returns a non-nil slice, like decodeMentions.
func decodeReactions(s string) ([]parley.Reaction, error) {
	if s == "" || s == "[]" {
		return []parley.Reaction{}, nil // most messages: no JSON to parse
	}
	var in []reactionJSON
	{
		if err := json.Unmarshal([]byte(s), &in); err != nil {
			return nil, err
		}
	}
	out := make([]parley.Reaction, len(in))
	for i, r := range in {
		out[i] = parley.Reaction{Emoji: r.Emoji, UserIDs: r.Users}
	}
	return out, nil
}
