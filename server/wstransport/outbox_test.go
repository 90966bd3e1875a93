package wstransport

import (
	"sync"
	"testing"
)

func TestOutboxIsBoundedInBytesNotItems(t *testing.T) {
	o := outbox[[]byte]{limit: 100, batches: &sync.Pool{}}
	if !o.push(make([]byte, 60), 60) || !o.push(make([]byte, 40), 40) {
		t.Fatal("100 bytes refused under a limit of 100")
	}
	if o.push(make([]byte, 1), 1) {
		t.Fatal("the 101st byte was taken")
	}
	if o.len() != 2 || o.bytes != 100 {
		t.Fatalf("after a refusal: %d items, %d bytes; want 2, 100", o.len(), o.bytes)
	}
	// Many small items fit where their count would not matter.
	o.drop()
	for i := range 100 {
		if !o.push([]byte{1}, 1) {
			t.Fatalf("item %d of one byte refused", i)
		}
	}
}

func TestOutboxTakesOneOversizedItemWhenEmpty(t *testing.T) {
	o := outbox[[]byte]{limit: 100}
	if !o.push(make([]byte, 1000), 1000) {
		t.Fatal("an empty queue refused one large answer")
	}
	if o.push([]byte{1}, 1) {
		t.Fatal("a queue over its limit took more")
	}
}

func TestOutboxCountsOnlyWhatWaits(t *testing.T) {
	o := outbox[[]byte]{limit: 100, batches: &sync.Pool{}}
	o.push(make([]byte, 100), 100)
	batch := o.take()
	if batch == nil || len(*batch) != 1 || o.bytes != 0 || o.len() != 0 {
		t.Fatalf("take left %d bytes, %d items", o.bytes, o.len())
	}
	// While the batch is written, the queue takes the limit again.
	if !o.push(make([]byte, 60), 60) || !o.push(make([]byte, 40), 40) {
		t.Fatal("the batch in flight was counted")
	}
	o.recycle(batch)
	if o.take() == nil || o.take() != nil {
		t.Fatal("take after take")
	}
}

func TestIdleOutboxHoldsNoSlice(t *testing.T) {
	o := outbox[[]byte]{limit: 100, batches: &sync.Pool{}}
	o.push([]byte{1}, 1)
	o.recycle(o.take())
	if o.batch != nil {
		t.Fatal("an emptied queue kept its slice")
	}
}
