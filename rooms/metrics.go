package rooms

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parley-chat/parley/monitoring"
)

// activeWindow is how recently a room must have had a message to count as
// active.
const activeWindow = 5 * time.Minute

// metrics are the hub's own families. Store latency is not among them: it
// is measured once, for every caller, by the store wrapper in
// monitoring/storemetrics that the node wires in front of its backend.
type metrics struct {
	connections prometheus.Gauge
	received    prometheus.Counter
	delivered   prometheus.Counter
	ackSeconds  prometheus.Histogram
	fanout      prometheus.Histogram
	rateLimited prometheus.Counter
	// limited counts the other per-user limits' refusals, by class.
	limited *prometheus.CounterVec
	// changes counts the changes to sent messages, by kind (edit,
	// reaction, delete).
	changes *prometheus.CounterVec
	// presenceAlone counts the presence decisions taken without the
	// Presence (Redis out of reach).
	presenceAlone prometheus.Counter
	// search times GET /api/search, errors included.
	search prometheus.Histogram

	now        func() time.Time
	mu         sync.Mutex
	lastActive map[string]time.Time
}

func newMetrics(reg *monitoring.Registry, now func() time.Time) *metrics {
	m := &metrics{
		connections:   reg.Gauge("connections", "Socket.IO connections open on this node."),
		received:      reg.Counter("messages_received_total", "message:send events received."),
		delivered:     reg.Counter("messages_delivered_total", "Messages written to sockets on this node (one per recipient socket)."),
		ackSeconds:    reg.Histogram("message_ack_seconds", "Time from receiving a message to its durable ack."),
		fanout:        reg.Histogram("message_fanout_seconds", "Time from receiving a message to emitting it to its room."),
		rateLimited:   reg.Counter("rate_limited_total", "Sends refused by the per-user rate limit."),
		limited:       reg.CounterVec("limited_total", "Client actions other than message:send refused by a per-user limit, by class (write, read, typing, room_create).", "class"),
		changes:       reg.CounterVec("message_changes_total", "Changes to sent messages broadcast as message:updated, by kind (edit, reaction, delete).", "kind"),
		presenceAlone: reg.Counter("presence_fallbacks_total", "Presence decisions this node took from its own sockets because the shared presence (Redis) did not answer."),
		search:        reg.Histogram("search_seconds", "Time to answer a message search, errors included."),
		now:           now,
		lastActive:    map[string]time.Time{},
	}
	for _, c := range classes() {
		m.limited.WithLabelValues(string(c))
	}
	for _, k := range []string{changeEdit, changeReaction, changeDelete} {
		m.changes.WithLabelValues(k)
	}
	reg.GaugeFunc("rooms_active", "Rooms with a message in the last 5 minutes (this node).", m.activeRooms)
	return m
}

func (m *metrics) roomActive(roomID string) {
	m.mu.Lock()
	m.lastActive[roomID] = m.now()
	m.mu.Unlock()
}

func (m *metrics) activeRooms() float64 {
	cutoff := m.now().Add(-activeWindow)
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id, t := range m.lastActive {
		if t.Before(cutoff) {
			delete(m.lastActive, id)
			continue
		}
		n++
	}
	return float64(n)
}
