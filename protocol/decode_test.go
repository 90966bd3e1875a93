package protocol_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/parley-chat/parley/protocol"
)

func TestTimeRoundTrips(t *testing.T) {
	in := protocol.Time(time.Date(2026, 1, 2, 3, 4, 5, 678_000_000, time.FixedZone("x", 3600)))
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `"2026-01-02T02:04:05.678Z"` {
		t.Fatalf("marshal: %s", b)
	}
	var out protocol.Time
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !out.Time().Equal(in.Time()) || out.Time().Location() != time.UTC {
		t.Fatalf("round trip: got %v, want %v in UTC", out.Time(), in.Time())
	}
}

func TestTimeRejectsWhatIsNotATime(t *testing.T) {
	for _, in := range []string{`12`, `"yesterday"`, `"2026-01-02"`} {
		var out protocol.Time
		if err := json.Unmarshal([]byte(in), &out); err == nil {
			t.Errorf("%s: want an error, got %v", in, out.Time())
		}
	}
}
