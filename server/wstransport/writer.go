package wstransport

import (
	"github.com/zishang520/socket.io/servers/engine/v3/transports"
)

// enqueue queues frames and wakes the writer. Past the limit the
// connection is dropped: its queue is discarded and conn closed, which
// ends the reader, who reports it to the engine (not here: the caller may
// be a broadcaster holding the library's locks that closing needs).
func (c *websocketConn) enqueue(frames [][]byte) {
	c.mu.Lock()
	if c.closing || c.dead {
		c.mu.Unlock()
		return
	}
	for _, f := range frames {
		if !c.out.push(f, len(f)) {
			queued := c.out.bytes
			c.slow = true
			c.killLocked()
			c.mu.Unlock()
			c.s.dropped(c.id(), transports.WEBSOCKET, queued)
			return
		}
	}
	start := !c.writing && c.out.len() > 0
	c.writing = c.writing || start
	c.mu.Unlock()
	if start {
		go c.writer()
	}
}

// write is the writer: each turn takes everything queued and writes it at
// once, until nothing is left.
func (c *websocketConn) write() {
	for {
		c.mu.Lock()
		batch := c.out.take()
		if batch == nil || c.dead {
			c.writing = false
			closing := c.closing && !c.dead
			if closing {
				c.dead = true
			}
			c.mu.Unlock()
			c.out.recycle(batch)
			if closing {
				// Through the engine's handle, which says "close": that
				// ends the transport even if its reader never started
				// (the engine aborted its start and closed it politely).
				_ = c.ws.Close()
			}
			return
		}
		c.mu.Unlock()
		err := c.writeBatch(*batch)
		c.out.recycle(batch)
		if err != nil {
			c.mu.Lock()
			c.writing = false
			c.killLocked()
			c.mu.Unlock()
			return
		}
	}
}

func (c *websocketConn) writeBatch(frames [][]byte) error {
	c.s.metrics.writes.Inc()
	c.s.metrics.frames.Add(float64(len(frames)))
	if c.vectored || len(frames) == 1 {
		// WriteTo consumes c.bufs; frames is left to be recycled.
		c.bufs = frames
		_, err := c.bufs.WriteTo(c.conn)
		c.bufs = nil
		return err
	}
	n := 0
	for _, f := range frames {
		n += len(f)
	}
	bp, _ := c.s.buffers.Get().(*[]byte)
	if bp == nil || cap(*bp) < n {
		bp = new(make([]byte, 0, n))
	}
	b := (*bp)[:0]
	for _, f := range frames {
		b = append(b, f...)
	}
	_, err := c.conn.Write(b)
	*bp = b[:0]
	c.s.buffers.Put(bp)
	return err
}
