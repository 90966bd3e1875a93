package store

import "github.com/parley-chat/parley"

// AppendResult is the outcome of one message of an Append batch.
type AppendResult struct {
	Message   parley.Message
	Duplicate bool  // the (sender, clientMsgId) was stored before: Message is the original
	Err       error // per-message failure; nothing stored for this message
}
