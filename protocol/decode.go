package protocol

import (
	"fmt"
	"time"
)

// UnmarshalJSON reads the wire format back, so Go clients decode events and
// acks into the same types the server encodes them from.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("protocol: time must be a JSON string, got %s", b)
	}
	v, err := time.Parse(time.RFC3339Nano, string(b[1:len(b)-1]))
	if err != nil {
		return fmt.Errorf("protocol: %w", err)
	}
	*t = Time(v.UTC())
	return nil
}

// Time returns the instant as a time.Time, for callers that compare or
// format it.
func (t Time) Time() time.Time { return time.Time(t) }
