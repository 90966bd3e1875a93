package parleyclient

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	sio "github.com/zishang520/socket.io/clients/socket/v3"
)

// retryPolicy says whether a call is sent again when the connection drops
// before its ack: only when a second delivery changes nothing (reads,
// joins, a send with the same clientMsgId).
type retryPolicy bool

const (
	retryOnDisconnect retryPolicy = true
	sendOnce          retryPolicy = false
)

type ackResult struct {
	args []any
	err  error
}

// call emits event with payload and decodes the ack's fields into out (nil:
// none), within ctx's deadline (CallTimeout without one). An {ok:false}
// ack is an *Error. While disconnected, the Socket.IO client holds the
// event and sends it on reconnection; when the deadline passes first it
// drops it.
func (c *Client) call(ctx context.Context, event string, payload any, out any, retry retryPolicy) error {
	if c.ctx.Err() != nil {
		return ErrClosed
	}
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	deadline, _ := ctx.Deadline()
	args, err := toWire(payload)
	if err != nil {
		return err
	}
	for {
		wait := time.Until(deadline)
		if wait <= 0 {
			return fmt.Errorf("parleyclient: %s: %w", event, context.DeadlineExceeded)
		}
		done := make(chan ackResult, 1)
		ack := func(a []any, err error) { done <- ackResult{a, err} }
		c.emitting(func(s *sio.Socket) {
			if args == nil {
				_ = s.Timeout(wait).Emit(event, ack)
				return
			}
			_ = s.Timeout(wait).Emit(event, args, ack)
		})
		select {
		case r := <-done:
			if r.err == nil {
				return decodeAck(event, r.args, out)
			}
			// The Socket.IO client fails an ack on timeout and on a lost
			// connection; only the latter is worth another try.
			if !time.Now().Before(deadline) {
				return fmt.Errorf("parleyclient: %s: %w", event, context.DeadlineExceeded)
			}
			if !retry {
				return fmt.Errorf("parleyclient: %s: %w", event, r.err)
			}
		case <-ctx.Done():
			return fmt.Errorf("parleyclient: %s: %w", event, ctx.Err())
		case <-c.ctx.Done():
			return ErrClosed
		}
	}
}

// toWire turns a payload into the maps the Socket.IO encoder sends.
func toWire(payload any) (map[string]any, error) {
	if payload == nil {
		return nil, nil
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("parleyclient: encode: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parleyclient: encode: %w", err)
	}
	return m, nil
}

// decodeAck reads {ok:true, ...fields} into out, or {ok:false, error} into
// an *Error.
func decodeAck(event string, args []any, out any) error {
	if len(args) == 0 {
		return fmt.Errorf("parleyclient: %s: empty ack", event)
	}
	b, err := json.Marshal(args[0])
	if err != nil {
		return fmt.Errorf("parleyclient: %s: %w", event, err)
	}
	var head struct {
		OK    bool       `json:"ok"`
		Error *wireError `json:"error"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return fmt.Errorf("parleyclient: %s: malformed ack: %w", event, err)
	}
	if !head.OK {
		if head.Error == nil {
			return fmt.Errorf("parleyclient: %s: ack without ok or error", event)
		}
		return head.Error.err()
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("parleyclient: %s: malformed ack: %w", event, err)
	}
	return nil
}

// decode reads an event's payload into its protocol type.
func decode[T any](payload any) (T, error) {
	var v T
	b, err := json.Marshal(payload)
	if err == nil {
		err = json.Unmarshal(b, &v)
	}
	return v, err
}
