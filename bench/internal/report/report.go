// Package report holds the results the load generator writes as JSON and
// the side-by-side driver reads back.
package report

// Latency is a distribution in milliseconds. Samples that never came
// (Undelivered) count as slower than any that did; a percentile that falls
// among them is -1.
type Latency struct {
	N           int     `json:"n"`
	Undelivered int     `json:"undelivered,omitempty"`
	P50         float64 `json:"p50_ms"`
	P90         float64 `json:"p90_ms"`
	P99         float64 `json:"p99_ms"`
	P999        float64 `json:"p999_ms"`
	Max         float64 `json:"max_ms"`
}

// CPU is CPU time over a window, in cores (1.0 = one core busy throughout).
type CPU struct {
	Server    float64 `json:"server_cores"`
	Generator float64 `json:"generator_cores"`
}

// Phase is one offered rate of the fan-out mode.
type Phase struct {
	OfferedRate float64 `json:"offered_msgs_per_s"`
	Duration    float64 `json:"duration_s"`
	Sent        int     `json:"sent"`
	SendErrors  int     `json:"send_errors"`
	// SendLagMax is how late the generator itself wrote a message after it
	// was due; large values mean the generator could not keep up, or the
	// server stopped reading (TCP back-pressure).
	SendLagMax float64        `json:"send_lag_max_ms"`
	AcksOK     int            `json:"acks_ok"`
	AckErrors  int            `json:"ack_errors"`
	ErrorCodes map[string]int `json:"ack_error_codes,omitempty"`
	AcksLate   int            `json:"acks_missing_at_drain_deadline"`
	// Expected is one delivery per socket in the sender's room per sent
	// message (100 in the standard load).
	Expected  int `json:"deliveries_expected"`
	Delivered int `json:"deliveries_by_drain_deadline"`
	// MissingAtDeadline were not delivered when the phase stopped waiting;
	// some may still arrive later (see Run.LostAtEnd).
	MissingAtDeadline int `json:"deliveries_missing_at_drain_deadline"`
	Duplicates        int `json:"duplicate_deliveries"`
	// DeliveriesPerSec is Delivered over the time from the phase's first due
	// send to its last delivery.
	DeliveriesPerSec float64 `json:"deliveries_per_s"`
	Drained          bool    `json:"drained"`
	DrainSeconds     float64 `json:"drain_s"`
	Deliver          Latency `json:"send_to_deliver"`
	Ack              Latency `json:"send_to_ack"`
	CPU              CPU     `json:"cpu"`
	Disconnects      int     `json:"disconnects"`
}

// Fanout is the result of the fan-out mode.
type Fanout struct {
	Users          int `json:"users"`
	SocketsPerUser int `json:"sockets_per_user"`
	Rooms          int `json:"rooms"`
	// DrainLimit is how long a phase waits for its deliveries after its
	// last send.
	DrainLimit float64 `json:"drain_limit_s"`
	Phases     []Phase `json:"phases"`
	// LostAtEnd are deliveries that had still not arrived after the last
	// phase and a final wait, over every phase (the warm-up excluded).
	LostAtEnd int `json:"deliveries_lost_at_end"`
	// AcksLostAtEnd are sends whose ack had still not come by then.
	AcksLostAtEnd int     `json:"acks_lost_at_end"`
	Disconnects   int     `json:"disconnects"`
	SetupS        float64 `json:"setup_s"`
	// OtherEvents counts events other than "message" (presence,
	// room:member, ...), which the server also had to send.
	OtherEvents int64 `json:"other_events"`
}

// Idle is the result of the idle-memory mode.
type Idle struct {
	Sockets      int     `json:"sockets"`
	Users        int     `json:"users"`
	Connected    int     `json:"connected"`
	ConnectFails int     `json:"connect_failures"`
	ConnectS     float64 `json:"connect_s"`
	BaselineKiB  int64   `json:"rss_baseline_kib"`
	LoadedKiB    int64   `json:"rss_loaded_kib"`
	PerConnKiB   float64 `json:"rss_per_conn_kib"`
	// Goroutines are Parley's go_goroutines (-1 for the reference).
	GoroutinesBaseline int     `json:"goroutines_baseline"`
	GoroutinesLoaded   int     `json:"goroutines_loaded"`
	GoroutinesPerConn  float64 `json:"goroutines_per_conn"`
	Disconnects        int     `json:"disconnects_while_idle"`
	HoldS              float64 `json:"hold_s"`
}

// Churn is the result of the churn mode.
type Churn struct {
	Cycles       int     `json:"cycles"`
	Concurrency  int     `json:"concurrency"`
	Failures     int     `json:"failures"`
	FailSample   string  `json:"failure_sample,omitempty"`
	ElapsedS     float64 `json:"elapsed_s"`
	ConnectsPerS float64 `json:"connects_per_s"`
	Connect      Latency `json:"connect_latency"`
	CPU          CPU     `json:"cpu"`
	BaselineKiB  int64   `json:"rss_baseline_kib"`
	PeakKiB      int64   `json:"rss_peak_kib"`
	AfterKiB     int64   `json:"rss_after_kib"`
	// GoroutinesBack is how long after the last disconnect go_goroutines
	// came back to its baseline (-1: not within the settle time; or not
	// Parley).
	GoroutinesBaseline int     `json:"goroutines_baseline"`
	GoroutinesAfter    int     `json:"goroutines_after"`
	GoroutinesBackS    float64 `json:"goroutines_back_s"`
	SettleS            float64 `json:"settle_s"`
}

// Run is one invocation of the load generator against one server.
type Run struct {
	Server string  `json:"server"`
	Mode   string  `json:"mode"`
	Fanout *Fanout `json:"fanout,omitempty"`
	Idle   *Idle   `json:"idle,omitempty"`
	Churn  *Churn  `json:"churn,omitempty"`
	// OtherCPU is the CPU that processes other than the server, the
	// generator and the driver used while this run lasted, in cores: work
	// that competed with the measurement (set by the driver).
	OtherCPU *float64 `json:"other_processes_cores,omitempty"`
	// OtherTop are the other processes that used the most of it, as
	// "name cores".
	OtherTop []string `json:"other_processes_top,omitempty"`
	// ServerMetrics are a few of Parley's own counters at the end.
	ServerMetrics map[string]float64 `json:"server_metrics,omitempty"`
	Error         string             `json:"error,omitempty"`
}
