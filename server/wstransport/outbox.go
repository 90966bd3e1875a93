package wstransport

import "sync"

// outbox is one connection's outbound queue: what was accepted for the
// peer and not yet handed to the kernel, counted in bytes. Callers hold
// the connection's lock.
//
// Only what waits is counted, not the batch a writer is writing: a peer
// that stops reading blocks that write, and what arrives meanwhile waits
// here until the limit. A connection thus holds at most its limit waiting
// plus the batch in flight, which was itself under the limit or a single
// item.
type outbox[T any] struct {
	// batch is nil while nothing waits, so an idle connection holds no
	// slice; batches recycles them between connections.
	batch   *[]T
	bytes   int64
	limit   int64
	batches *sync.Pool
}

// push queues item, of n bytes. It reports false, queueing nothing, when
// the queue would pass its limit. An empty queue takes any one item, so a
// single answer larger than the limit still goes out.
func (o *outbox[T]) push(item T, n int) bool {
	if o.len() > 0 && o.bytes+int64(n) > o.limit {
		return false
	}
	if o.batch == nil {
		o.batch = o.newBatch()
	}
	*o.batch = append(*o.batch, item)
	o.bytes += int64(n)
	return true
}

func (o *outbox[T]) newBatch() *[]T {
	if o.batches != nil {
		if b, ok := o.batches.Get().(*[]T); ok {
			return b
		}
	}
	return new([]T)
}

// take empties the queue and returns what it held (nil if nothing), for a
// writer that hands it back with recycle once written.
func (o *outbox[T]) take() *[]T {
	b := o.batch
	o.batch, o.bytes = nil, 0
	return b
}

// recycle returns a batch from take to the pool.
func (o *outbox[T]) recycle(b *[]T) {
	if b == nil || o.batches == nil || cap(*b) > maxPooledBatch {
		return
	}
	clear(*b)
	*b = (*b)[:0]
	o.batches.Put(b)
}

// drop discards everything queued.
func (o *outbox[T]) drop() { o.recycle(o.take()) }

func (o *outbox[T]) len() int {
	if o.batch == nil {
		return 0
	}
	return len(*o.batch)
}

// maxPooledBatch keeps the pool from holding on to the slice of one
// exceptional burst.
const maxPooledBatch = 1024
