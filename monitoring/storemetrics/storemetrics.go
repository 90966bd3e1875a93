// Package storemetrics times every call of a store.Store. Wrap returns a
// store whose interfaces record parley_store_op_seconds{op} and, for faults,
// parley_store_errors_total{op}, then call the backend's. It is the one
// source of store latency for every backend (SQLite, MongoDB), so neither
// the hub nor a backend measures its own calls and the store package stays
// free of Prometheus.
package storemetrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/store"
)

// metrics are the two families, with one pre-resolved child per operation
// so a call costs no label lookup.
type metrics struct {
	seconds *prometheus.HistogramVec
	errors  *prometheus.CounterVec
}

// op records one store operation.
type op struct {
	seconds prometheus.Observer
	errors  prometheus.Counter
}

// Wrap returns st with every interface timed into reg. Interfaces st leaves
// nil stay nil. Close goes straight to the backend. Wrap registers its
// families in reg, so it is called once per registry: the node wraps its
// store once and hands the result to every user of it.
func Wrap(st *store.Store, reg *monitoring.Registry) *store.Store {
	m := &metrics{
		seconds: reg.HistogramVec("store_op_seconds", "Store call latency by operation, errors included.", "op"),
		errors: reg.CounterVec("store_errors_total",
			"Store calls that failed with UNAVAILABLE or INTERNAL (the database, not the request, is at fault), by operation.", "op"),
	}
	out := &store.Store{}
	if st.Users != nil {
		out.Users = newTimedUsers(st.Users, m)
	}
	if st.People != nil {
		out.People = newTimedPeople(st.People, m)
	}
	if st.UserAdmin != nil {
		out.UserAdmin = newTimedUserAdmin(st.UserAdmin, m)
	}
	if st.Rooms != nil {
		out.Rooms = newTimedRooms(st.Rooms, m)
	}
	if st.Memberships != nil {
		out.Memberships = newTimedMemberships(st.Memberships, m)
	}
	if st.Notifications != nil {
		out.Notifications = newTimedNotifications(st.Notifications, m)
	}
	if st.RoomAdmin != nil {
		out.RoomAdmin = newTimedRoomAdmin(st.RoomAdmin, m)
	}
	if st.Messages != nil {
		out.Messages = newTimedMessages(st.Messages, m)
	}
	if st.Edits != nil {
		out.Edits = newTimedEdits(st.Edits, m)
	}
	if st.Threads != nil {
		out.Threads = newTimedThreads(st.Threads, m)
	}
	if st.Search != nil {
		out.Search = newTimedSearch(st.Search, m)
	}
	if st.Files != nil {
		out.Files = newTimedFiles(st.Files, m)
	}
	if st.Blobs != nil {
		out.Blobs = newTimedBlobs(st.Blobs, m)
	}
	if st.Memories != nil {
		out.Memories = newTimedMemories(st.Memories, m)
	}
	if st.Knowledge != nil {
		out.Knowledge = newTimedKnowledge(st.Knowledge, m)
	}
	if st.Services != nil {
		out.Services = newTimedServices(st.Services, m)
	}
	if st.Revocations != nil {
		out.Revocations = newTimedRevocations(st.Revocations, m)
	}
	if st.Backend != nil {
		out.Backend = newTimedBackend(st.Backend, m)
	}
	return out
}

// op creates the series of one operation up front, so dashboards and the
// error-ratio rules see every operation (at zero) from the first scrape.
func (m *metrics) op(name string) op {
	return op{seconds: m.seconds.WithLabelValues(name), errors: m.errors.WithLabelValues(name)}
}

// done is deferred at the start of a call: `defer o.done(time.Now(), &err)`.
// Domain answers (NOT_FOUND, CONFLICT, BAD_REQUEST...) are the store doing
// its job; only UNAVAILABLE and INTERNAL (which includes a deadline the
// database did not meet) count as store errors.
func (o op) done(start time.Time, err *error) {
	o.seconds.Observe(time.Since(start).Seconds())
	if *err == nil {
		return
	}
	if c := parley.CodeOf(*err); c == parley.CodeUnavailable || c == parley.CodeInternal {
		o.errors.Inc()
	}
}
