package parleytest

import (
	"sync"
	"time"

	"github.com/parley-chat/parley/rooms"
)

// Record is one call the hub made on its Emitter, or a marker a test
// wrote (Mark) to see where it falls among them.
type Record struct {
	Kind    string // "emit", "join", "leave" or a test's marker
	Target  rooms.Target
	Event   string
	Payload any
	User    string
	Room    string
}

// Recorder is a rooms.Emitter that remembers every call, in order, and
// when it was made.
type Recorder struct {
	mu     sync.Mutex
	log    []Record
	at     []time.Time
	signal chan struct{}
}

var _ rooms.Emitter = (*Recorder)(nil)

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{signal: make(chan struct{}, 1)} }

func (r *Recorder) add(rec Record) {
	r.mu.Lock()
	r.log = append(r.log, rec)
	r.at = append(r.at, time.Now())
	r.mu.Unlock()
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

func (r *Recorder) Emit(t rooms.Target, event string, payload any) {
	r.add(Record{Kind: "emit", Target: t, Event: event, Payload: payload})
}

// EmitCounted counts one delivery per call.
func (r *Recorder) EmitCounted(t rooms.Target, event string, payload any) int {
	r.Emit(t, event, payload)
	return 1
}

func (r *Recorder) JoinRoom(userID, roomID string) {
	r.add(Record{Kind: "join", User: userID, Room: roomID})
}

func (r *Recorder) LeaveRoom(userID, roomID string) {
	r.add(Record{Kind: "leave", User: userID, Room: roomID})
}

// Mark records a marker of the test's own.
func (r *Recorder) Mark(kind string) { r.add(Record{Kind: kind}) }

// Signal receives (at most one pending value) after each call.
func (r *Recorder) Signal() <-chan struct{} { return r.signal }

// Records returns every call so far.
func (r *Recorder) Records() []Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Record(nil), r.log...)
}

// Emits returns the Emit calls of event.
func (r *Recorder) Emits(event string) []Record {
	var out []Record
	for _, rec := range r.Records() {
		if rec.Kind == "emit" && rec.Event == event {
			out = append(out, rec)
		}
	}
	return out
}

// Payloads returns the payloads of the Emit calls of event.
func (r *Recorder) Payloads(event string) []any {
	var out []any
	for _, rec := range r.Emits(event) {
		out = append(out, rec.Payload)
	}
	return out
}

// EmittedAt returns when the n-th (0-based) Emit of event was made.
func (r *Recorder) EmittedAt(event string, n int) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, rec := range r.log {
		if rec.Kind != "emit" || rec.Event != event {
			continue
		}
		if n == 0 {
			return r.at[i], true
		}
		n--
	}
	return time.Time{}, false
}

// Kinds lists the calls as "emit:<event>", "join", "leave" or markers.
func (r *Recorder) Kinds() []string {
	var out []string
	for _, rec := range r.Records() {
		k := rec.Kind
		if k == "emit" {
			k += ":" + rec.Event
		}
		out = append(out, k)
	}
	return out
}

// Reset forgets every call so far.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.log, r.at = nil, nil
	r.mu.Unlock()
}
