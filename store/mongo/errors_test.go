package mongo

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

func TestStoreError(t *testing.T) {
	dupWrite := mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: "E11000 duplicate key error collection: parley.users index: username_unique"}}}
	dupBulk := mongo.BulkWriteException{WriteErrors: []mongo.BulkWriteError{{WriteError: mongo.WriteError{Code: 11000}}}}
	for _, c := range []struct {
		name string
		err  error
		want parley.Code
	}{
		{"nil", nil, ""},
		{"no documents", mongo.ErrNoDocuments, parley.CodeNotFound},
		{"wrapped no documents", fmt.Errorf("find: %w", mongo.ErrNoDocuments), parley.CodeNotFound},
		{"duplicate key (insert)", dupWrite, parley.CodeConflict},
		{"duplicate key (bulk)", dupBulk, parley.CodeConflict},
		{"duplicate key (command)", mongo.CommandError{Code: 11000}, parley.CodeConflict},
		{"client closed", mongo.ErrClientDisconnected, parley.CodeUnavailable},
		{"deadline", context.DeadlineExceeded, parley.CodeUnavailable},
		{"canceled", fmt.Errorf("op: %w", context.Canceled), parley.CodeUnavailable},
		{"server selection", topology.ServerSelectionError{Wrapped: errors.New("no reachable servers")}, parley.CodeUnavailable},
		{"connection", topology.ConnectionError{Wrapped: errors.New("connection refused")}, parley.CodeUnavailable},
		{"topology closed", topology.ErrTopologyClosed, parley.CodeUnavailable},
		{"network label", mongo.CommandError{Code: 0, Labels: []string{"NetworkError"}}, parley.CodeUnavailable},
		{"transient transaction", mongo.CommandError{Code: 251, Labels: []string{"TransientTransactionError"}}, parley.CodeUnavailable},
		{"unknown commit result", mongo.CommandError{Code: 50, Labels: []string{"UnknownTransactionCommitResult"}}, parley.CodeUnavailable},
		{"not primary", mongo.CommandError{Code: 10107, Name: "NotWritablePrimary"}, parley.CodeUnavailable},
		{"stepped down", mongo.CommandError{Code: 189}, parley.CodeUnavailable},
		{"shutting down", mongo.CommandError{Code: 91}, parley.CodeUnavailable},
		{"write conflict", mongo.CommandError{Code: 112}, parley.CodeUnavailable},
		{"write concern timeout", mongo.WriteException{WriteConcernError: &mongo.WriteConcernError{Code: 64}}, parley.CodeUnavailable},
		{"max time", mongo.CommandError{Code: 50, Name: "MaxTimeMSExpired"}, parley.CodeUnavailable},
		{"bad query", mongo.CommandError{Code: 2, Name: "BadValue"}, parley.CodeInternal},
		{"plain", errors.New("boom"), parley.CodeInternal},
		{"already a store error", parley.Errorf(parley.CodeBadRequest, "nope"), parley.CodeBadRequest},
	} {
		got := storeError(c.err, "thing")
		if code := parley.CodeOf(got); code != c.want {
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
	if err := storeError(mongo.ErrNoDocuments, "room"); !errors.Is(err, store.ErrNotFound) || parley.ErrorMessage(err) != store.ErrNotFound.Message {
		t.Errorf("no documents = %v (message %q), want store.ErrNotFound with its own message", err, parley.ErrorMessage(err))
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
	if calls != maxAttempts || parley.CodeOf(err) != parley.CodeUnavailable {
		t.Errorf("always duplicate: %v after %d calls, want UNAVAILABLE after %d", err, calls, maxAttempts)
	}

	// A duplicate the operation already judged (a taken id) is final.
	calls = 0
	conflict := parley.Wrap(parley.CodeConflict, dup, "room exists")
	_, err = retryOnDuplicate(func() (int, error) { calls++; return 0, conflict })
	if calls != 1 || !errors.Is(err, conflict) {
		t.Errorf("judged conflict: %v after %d calls, want it at once", err, calls)
	}
}
