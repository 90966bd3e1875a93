package sqlite

import (
	"encoding/json"
	"time"
)

// Columns hold times as unix milliseconds, so ordering and range queries
// compare integers and every backend keeps the same precision.
func toMillis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// encodeMentions stores mentions as a JSON array; never NULL or "null".
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
