package mongo

import (
	"context"
	"errors"
	"fmt"

	"github.com/parley-chat/parley/store"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

// storeError translates a driver error into a *parley.Error, which is all
// callers of this package ever see. notFound names the thing
// mongo.ErrNoDocuments stands for ("room", "message"...). Errors that
// already are *parley.Error pass through unchanged.
func storeError(err error, notFound string) error {
	if err == nil {
		return nil
	}
	if isStoreError(err) {
		return err
	}
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		if notFound == "" {
			notFound = "record"
		}
		return fmt.Errorf("%s: %w: %w", notFound, store.ErrNotFound, err)
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("duplicate key: %w: %w", store.ErrConflict, err)
	case errors.Is(err, mongo.ErrClientDisconnected):
		return fmt.Errorf("database is closed: %w: %w", store.ErrUnavailable, err)
	case isUnavailable(err):
		return fmt.Errorf("database is unavailable: %w: %w", store.ErrUnavailable, err)
	}
	return fmt.Errorf("database error: %w", err)
}

// Server error codes that mean "not now" rather than "never": the primary
// is gone or changing, the server is shutting down, or a write concern could
// not be met in time. The driver's retryable reads and writes have already
// had their one retry when these reach us.
var unavailableCodes = []int{
	6,     // HostUnreachable
	7,     // HostNotFound
	64,    // WriteConcernFailed (wtimeout)
	89,    // NetworkTimeout
	91,    // ShutdownInProgress
	112,   // WriteConflict
	189,   // PrimarySteppedDown
	262,   // ExceededTimeLimit
	9001,  // SocketException
	10107, // NotWritablePrimary
	11600, // InterruptedAtShutdown
	11602, // InterruptedDueToReplStateChange
	13435, // NotPrimaryNoSecondaryOk
	13436, // NotPrimaryOrSecondary
}

// Labels the server or driver puts on errors worth retrying later.
var unavailableLabels = []string{
	"NetworkError",
	"TransientTransactionError",
	"UnknownTransactionCommitResult",
	"RetryableWriteError",
}

// isUnavailable reports an error of reaching the database (network, server
// selection, timeouts, failover) as opposed to one in the request.
func isUnavailable(err error) bool {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		mongo.IsTimeout(err), mongo.IsNetworkError(err):
		return true
	case errors.As(err, new(topology.ServerSelectionError)), errors.As(err, new(topology.ConnectionError)),
		errors.Is(err, topology.ErrTopologyClosed):
		return true
	}
	var le mongo.LabeledError
	if errors.As(err, &le) {
		for _, l := range unavailableLabels {
			if le.HasErrorLabel(l) {
				return true
			}
		}
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		for _, c := range unavailableCodes {
			if se.HasErrorCode(c) {
				return true
			}
		}
	}
	return false
}
