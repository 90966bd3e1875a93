package mongo

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/parley-chat/parley/store"
)

func TestStoreError(t *testing.T) {
	dupWrite := mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: "E11000 duplicate key error collection: parley.users index: username_unique"}}}
	dupBulk := mongo.BulkWriteException{WriteErrors: []mongo.BulkWriteError{{WriteError: mongo.WriteError{Code: 11000}}}}
	for _, c := range []struct {
		name string
		err  error
		want store.Code
	}{
		{"nil", nil, ""},
		{"no documents", mongo.ErrNoDocuments, store.CodeNotFound},
		{"wrapped no documents", fmt.Errorf("find: %w", mongo.ErrNoDocuments), store.CodeNotFound},
		{"duplicate key (insert)", dupWrite, store.CodeConflict},
		{"duplicate key (bulk)", dupBulk, store.CodeConflict},
		{"duplicate key (command)", mongo.CommandError{Code: 11000}, store.CodeConflict},
		{"client closed", mongo.ErrClientDisconnected, store.CodeUnavailable},
		{"deadline", context.DeadlineExceeded, store.CodeUnavailable},
		{"canceled", fmt.Errorf("op: %w", context.Canceled), store.CodeUnavailable},
		{"server selection", topology.ServerSelectionError{Wrapped: errors.New("no reachable servers")}, store.CodeUnavailable},
		{"connection", topology.ConnectionError{Wrapped: errors.New("connection refused")}, store.CodeUnavailable},
		{"topology closed", topology.ErrTopologyClosed, store.CodeUnavailable},
		{"network label", mongo.CommandError{Code: 0, Labels: []string{"NetworkError"}}, store.CodeUnavailable},
		{"transient transaction", mongo.CommandError{Code: 251, Labels: []string{"TransientTransactionError"}}, store.CodeUnavailable},
		{"unknown commit result", mongo.CommandError{Code: 50, Labels: []string{"UnknownTransactionCommitResult"}}, store.CodeUnavailable},
		{"not primary", mongo.CommandError{Code: 10107, Name: "NotWritablePrimary"}, store.CodeUnavailable},
		{"stepped down", mongo.CommandError{Code: 189}, store.CodeUnavailable},
		{"shutting down", mongo.CommandError{Code: 91}, store.CodeUnavailable},
		{"write conflict", mongo.CommandError{Code: 112}, store.CodeUnavailable},
		{"write concern timeout", mongo.WriteException{WriteConcernError: &mongo.WriteConcernError{Code: 64}}, store.CodeUnavailable},
		{"max time", mongo.CommandError{Code: 50, Name: "MaxTimeMSExpired"}, store.CodeUnavailable},
		{"bad query", mongo.CommandError{Code: 2, Name: "BadValue"}, store.CodeInternal},
		{"plain", errors.New("boom"), store.CodeInternal},
		{"already a store error", store.Errorf(store.CodeBadRequest, "nope"), store.CodeBadRequest},
	} {
		got := storeError(c.err, "thing")
		if code := store.CodeOf(got); code != c.want {
			t.Errorf("%s: %v -> code %q, want %q", c.name, c.err, code, c.want)
		}
		if c.err != nil && !errors.Is(got, c.err) && !isStoreError(c.err) {
			// %w all the way: the cause stays inspectable for logs.
			var we mongo.WriteException
			if !errors.As(got, &we) && !errors.As(got, new(mongo.CommandError)) &&
				!errors.As(got, new(mongo.BulkWriteException)) && !errors.As(got, new(topology.ServerSelectionError)) &&
				!errors.As(got, new(topology.ConnectionError)) {
				t.Errorf("%s: the translated error lost its cause: %v", c.name, got)
			}
		}
	}
	if msg := store.MessageOf(storeError(mongo.ErrNoDocuments, "room")); msg != "room not found" {
		t.Errorf("not-found message = %q, want \"room not found\"", msg)
	}
}

func TestRetryOnDuplicate(t *testing.T) {
	dup := mongo.CommandError{Code: 11000}
	calls := 0
	v, err := retryOnDuplicate(func() (int, error) {
		calls++
		if calls < 3 {
			return 0, dup
		}
		return 42, nil
	})
	if v != 42 || err != nil || calls != 3 {
		t.Errorf("after two lost races: %d, %v after %d calls, want 42 after 3", v, err, calls)
	}

	calls = 0
	_, err = retryOnDuplicate(func() (int, error) { calls++; return 0, dup })
	if calls != maxAttempts || store.CodeOf(err) != store.CodeUnavailable {
		t.Errorf("always duplicate: %v after %d calls, want UNAVAILABLE after %d", err, calls, maxAttempts)
	}

	// A duplicate the operation already judged (a taken id) is final.
	calls = 0
	conflict := store.Wrap(store.CodeConflict, dup, "room exists")
	_, err = retryOnDuplicate(func() (int, error) { calls++; return 0, conflict })
	if calls != 1 || !errors.Is(err, conflict) {
		t.Errorf("judged conflict: %v after %d calls, want it at once", err, calls)
	}
}
