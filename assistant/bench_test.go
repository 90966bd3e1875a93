package assistant_test

import (
	"testing"
	"time"

	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/assistant/assistanttest"
	"github.com/parley-chat/parley/protocol"
)

// BenchmarkMentionToFirstDelta measures what Parley adds between a user's
// mention and the first streamed delta leaving the hub, beyond the model's
// own time to first token (TTFT): the durable append of the mention, the
// hand-off to a worker, the store reads for the prompt, the HTTP request to
// a local model and the stream writer. The model's first chunk ends with a
// word boundary, so nothing waits for a word to complete, and is longer
// than the filter's hold-back (the longest listed phrase), so part of it
// can be shown at once.
//
//	go test -run '^$' -bench MentionToFirstDelta -benchtime 200x ./assistant/
func BenchmarkMentionToFirstDelta(b *testing.B) {
	m := assistanttest.NewModel("Hello there, here is a streamed answer for you: ", "world.")
	defer m.Close()
	f := build(b, func(c *assistant.Config) { c.Model = modelClient(m) })
	defer f.asst.Close()
	alice := f.user("alice")
	var fromSend, fromStored time.Duration
	b.ResetTimer()
	for i := range b.N {
		seen := len(f.rec.Payloads(protocol.EventStream))
		sent := time.Now()
		f.say(alice, general, "@assistant write me a haiku")
		stored := time.Now()
		first := f.waitEvent(protocol.EventStream, seen)
		fromSend += first.Sub(sent)
		fromStored += first.Sub(stored)
		f.reply(general, i+1) // the whole reply, before the next question
	}
	b.StopTimer()
	var ttft time.Duration
	for _, d := range m.TTFT() {
		ttft += d
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d) / n / float64(time.Millisecond) }
	b.ReportMetric(ms(fromSend), "ms-send-to-delta")
	b.ReportMetric(ms(fromStored), "ms-stored-to-delta")
	b.ReportMetric(ms(ttft), "ms-model-ttft")
	b.ReportMetric(ms(fromSend-ttft), "ms-overhead")
}

// waitEvent returns when the event after the first `seen` ones of its name
// was emitted.
func (f *fixture) waitEvent(name string, seen int) time.Time {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if at, ok := f.rec.EmittedAt(name, seen); ok {
			return at
		}
		time.Sleep(100 * time.Microsecond)
	}
	f.t.Fatalf("no %s event #%d; the bot said %v", name, seen+1, texts(f.botMessages(general)))
	return time.Time{}
}
