package wstransport

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parley-chat/parley/monitoring"
)

// metrics are the transports' counters. Writes and frames together tell
// how well writes batch: frames per write is 1 in a quiet room and grows
// as sockets fall behind.
type metrics struct {
	slowClients prometheus.Counter
	writes      prometheus.Counter
	frames      prometheus.Counter
}

func newMetrics(reg *monitoring.Registry) *metrics {
	reg = monitoring.OrNew(reg)
	return &metrics{
		slowClients: reg.Counter("slow_clients_disconnected_total",
			"Connections dropped because their outbound queue passed its byte limit (PARLEY_MAX_QUEUED_BYTES)."),
		writes: reg.Counter("websocket_writes_total",
			"Writes to WebSocket connections: one (vectored) syscall per batch of queued frames."),
		frames: reg.Counter("websocket_frames_written_total",
			"WebSocket frames written; divided by parley_websocket_writes_total, the frames per write."),
	}
}
