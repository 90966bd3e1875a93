package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/protocol"
)

// Outcomes of a Socket.IO connection attempt (parley_socket_connects_total).
const (
	connectAccepted     = "accepted"
	connectUnauthorized = "unauthorized" // bad, expired or missing token
	connectUnavailable  = "unavailable"  // the store could not check the token
	connectFailed       = "failed"       // authenticated, but its rooms could not be listed
	connectAbandoned    = "abandoned"    // closed by the client before it was set up
	connectLimited      = "limited"      // past the connections per user or per IP
)

// disconnectReasons maps the Socket.IO library's close reasons to the fixed
// label values of parley_socket_disconnects_total. Anything else the
// library may say in a later version is "other", so the label stays bounded.
var disconnectReasons = map[string]string{
	"transport close":             "transport_close", // the peer closed the connection
	"transport error":             "transport_error", // a read error, or a slow client dropped (wstransport)
	"ping timeout":                "ping_timeout",    // the peer vanished without closing
	"parse error":                 "parse_error",
	"client namespace disconnect": "client_disconnect", // socket.disconnect() in the client
	"server namespace disconnect": "server_disconnect", // Parley disconnected it
	"server shutting down":        "server_shutdown",
	"forced close":                "forced_close", // Parley closed the connection (connect timeout, lost handshake)
	"forced server close":         "forced_close",
}

// disconnectOther is the label of a reason not in disconnectReasons.
const disconnectOther = "other"

// socketMetrics count the Socket.IO connection lifecycle and the events
// clients send. parley_connections (open now) is the hub's.
type socketMetrics struct {
	connects    *prometheus.CounterVec
	disconnects *prometheus.CounterVec
	events      *prometheus.CounterVec
	// sessionsEnded counts the sockets Parley ended because their token
	// expired or was revoked.
	sessionsEnded *prometheus.CounterVec
}

func newSocketMetrics(reg *monitoring.Registry) *socketMetrics {
	m := &socketMetrics{
		connects: reg.CounterVec("socket_connects_total",
			"Socket.IO connection attempts by outcome (accepted, unauthorized, unavailable, failed, abandoned).", "outcome"),
		disconnects: reg.CounterVec("socket_disconnects_total",
			"Socket.IO connections closed, by reason (transport_close, ping_timeout, server_shutdown, ...).", "reason"),
		events: reg.CounterVec("socket_events_total",
			"Client events handled, by event name (only the events Parley handles).", "event"),
		sessionsEnded: reg.CounterVec("socket_sessions_ended_total",
			"Sockets disconnected because their token expired or was revoked, by reason (expired, revoked).", "reason"),
	}
	// Every label value exists from the first scrape, so rates and ratios
	// over them are defined before the first occurrence.
	for _, o := range []string{connectAccepted, connectUnauthorized, connectUnavailable, connectFailed, connectAbandoned, connectLimited} {
		m.connects.WithLabelValues(o)
	}
	for _, r := range disconnectReasons {
		m.disconnects.WithLabelValues(r)
	}
	m.disconnects.WithLabelValues(disconnectOther)
	for _, r := range []string{protocol.SessionExpired, protocol.SessionRevoked} {
		m.sessionsEnded.WithLabelValues(r)
	}
	return m
}

// disconnected counts a close; args are the library's "disconnect" event
// arguments (reason first).
func (m *socketMetrics) disconnected(args []any) {
	reason := disconnectOther
	if len(args) > 0 {
		if s, ok := args[0].(string); ok {
			if r, known := disconnectReasons[s]; known {
				reason = r
			}
		}
	}
	m.disconnects.WithLabelValues(reason).Inc()
}
