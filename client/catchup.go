package parleyclient

import (
	"maps"
	"slices"
	"time"
)

const (
	// gapWait is how long a gap may stay open before it is fetched: live
	// messages sent at once may arrive slightly out of order, and the
	// missing one usually follows within milliseconds.
	gapWait = 150 * time.Millisecond
	// retryWait spaces catch-ups that failed while connected.
	retryWait = time.Second
)

// catchUp asks the server for everything after the client's cursors and
// delivers it, page after page, then resolves the rooms still waiting.
// It runs on the delivery loop, after every (re)connection and when a gap
// or an unknown room needs filling.
func (c *Client) catchUp() {
	if c.opts.OnMessage == nil {
		return
	}
	for {
		pages, err := c.Sync(c.ctx, c.seq.cursors())
		if err != nil {
			if c.ctx.Err() == nil {
				c.log.Warn("parley: catch-up failed", "err", err)
				if c.Connected() {
					c.scheduleResync(retryWait)
				}
			}
			return
		}
		more := false
		for _, room := range slices.Sorted(maps.Keys(pages)) {
			page := pages[room]
			c.handOver(c.seq.fetched(room, page.Messages))
			more = more || page.HasMore
		}
		if more {
			continue
		}
		// Messages are stored before they are pushed, so a complete sync
		// that still leaves a room waiting means the server holds nothing
		// to fill it with: a room we are no longer in, or one whose read
		// cursor (named by no cursor of ours) has moved past them.
		for _, room := range c.seq.waiting() {
			c.handOver(c.seq.adopt(room))
		}
		return
	}
}

// scheduleResync queues a catch-up after d, once however often it is
// asked for meanwhile.
func (c *Client) scheduleResync(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.resyncPending {
		return
	}
	c.resyncPending = true
	c.resync = time.AfterFunc(d, func() {
		c.mu.Lock()
		c.resyncPending = false
		c.mu.Unlock()
		c.inbox.push(item{kind: itemResync})
	})
}
