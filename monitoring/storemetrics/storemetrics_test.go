package storemetrics_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/monitoring/storemetrics"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/store/sqlite"
	"github.com/parley-chat/parley/store/storetest"
)

func openTimed(t *testing.T) (*store.Store, *monitoring.Registry) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "parley.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Backend.Close() })
	reg := monitoring.NewRegistry()
	return storemetrics.Wrap(st, reg), reg
}

// The wrapper must be invisible: the whole store contract holds through it.
func TestContractThroughWrapper(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *store.Store {
		st, _ := openTimed(t)
		return st
	})
}

// series reads parley_store_op_seconds sample counts and
// parley_store_errors_total values by op.
func series(t *testing.T, reg *monitoring.Registry) (calls map[string]uint64, errs map[string]float64) {
	t.Helper()
	mfs, err := reg.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	calls, errs = map[string]uint64{}, map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			op := ""
			for _, l := range m.GetLabel() {
				if l.GetName() == "op" {
					op = l.GetValue()
				}
			}
			switch mf.GetName() {
			case "parley_store_op_seconds":
				calls[op] = m.GetHistogram().GetSampleCount()
			case "parley_store_errors_total":
				errs[op] = m.GetCounter().GetValue()
			}
		}
	}
	return calls, errs
}

func TestCallsAndFaultsRecordedByOp(t *testing.T) {
	st, reg := openTimed(t)
	ctx := context.Background()
	u := parley.User{ID: parley.NewID(), Username: "ann", Kind: parley.KindHuman, PasswordHash: "x"}
	if err := st.Users.Create(ctx, &u); err != nil {
		t.Fatal(err)
	}
	// A domain answer is a call, not a store error.
	if _, err := st.Users.ByUsername(ctx, "nobody"); parley.CodeOf(err) != parley.CodeNotFound {
		t.Fatalf("ByUsername(nobody) = %v, want NOT_FOUND", err)
	}
	// A closed database is a store error.
	if err := st.Backend.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Users.ByID(ctx, u.ID); parley.CodeOf(err) != parley.CodeUnavailable {
		t.Fatalf("ByID after Close = %v, want UNAVAILABLE", err)
	}

	calls, errs := series(t, reg)
	for op, want := range map[string]uint64{"users.create": 1, "users.by_username": 1, "users.by_id": 1, "messages.append": 0} {
		if calls[op] != want {
			t.Errorf("store_op_seconds{op=%q} count = %d, want %d", op, calls[op], want)
		}
	}
	for op, want := range map[string]float64{"users.create": 0, "users.by_username": 0, "users.by_id": 1} {
		if errs[op] != want {
			t.Errorf("store_errors_total{op=%q} = %v, want %v", op, errs[op], want)
		}
	}
}

// Every store method but Close has its own op series from the start, so a
// copy-pasted op name (two methods sharing a series) shows up here.
func TestEveryMethodHasItsOwnOp(t *testing.T) {
	_, reg := openTimed(t)
	want := -1 // Backend.Close is not timed
	// Every interface of store.Store, so a new one cannot be left untimed.
	for f := range reflect.TypeFor[store.Store]().Fields() {
		want += f.Type.NumMethod()
	}
	calls, errs := series(t, reg)
	if len(calls) != want || len(errs) != want {
		t.Errorf("%d op latency series and %d op error series, want %d each: %v", len(calls), len(errs), want, calls)
	}
}

func TestNilInterfacesStayNil(t *testing.T) {
	st := storemetrics.Wrap(&store.Store{}, monitoring.NewRegistry())
	if st.Users != nil || st.Messages != nil || st.Memories != nil || st.Backend != nil {
		t.Errorf("wrapping an empty store gave %+v", st)
	}
}
