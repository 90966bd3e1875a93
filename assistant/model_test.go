package assistant_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/assistant/assistanttest"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/protocol"
)

// streams returns the message:stream events of streamID, in order.
func (f *fixture) streams(streamID string) []protocol.StreamEvent {
	var out []protocol.StreamEvent
	for _, p := range f.rec.Payloads(protocol.EventStream) {
		if e := p.(protocol.StreamEvent); e.StreamID == streamID {
			out = append(out, e)
		}
	}
	return out
}

func withModel(m *assistanttest.Model, reg *monitoring.Registry, more func(*assistant.Config)) func(*assistant.Config) {
	return func(c *assistant.Config) {
		c.Model = modelClient(m)
		c.Metrics = reg
		if more != nil {
			more(c)
		}
	}
}

func TestModelReplyStreamsThenPostsOnce(t *testing.T) {
	m := newModel(t, "Paris ", "is the ", "capital ", "of France.")
	m.Set(func(b *assistanttest.Behaviour) { b.Gap = 30 * time.Millisecond })
	reg := monitoring.NewRegistry()
	f := newFixture(t, withModel(m, reg, nil))
	alice, bob := f.user("alice"), f.user("bob")
	f.say(bob, general, "we were talking about European capitals")
	r := f.ask(alice, general, "@assistant what is the capital of France?")

	if r.StreamID == "" {
		t.Fatal("the final message has no streamId")
	}
	if want := "@alice Paris is the capital of France."; r.Text != want {
		t.Fatalf("final text %q, want %q", r.Text, want)
	}
	evs := f.streams(r.StreamID)
	if len(evs) < 2 || !evs[len(evs)-1].Done {
		t.Fatalf("stream events %+v: want several deltas ending with done", evs)
	}
	var streamed strings.Builder
	for i, e := range evs {
		if e.Done != (i == len(evs)-1) || e.Room != general {
			t.Fatalf("event %d = %+v", i, e)
		}
		streamed.WriteString(e.Delta)
	}
	if streamed.String() != "Paris is the capital of France." {
		t.Fatalf("deltas add up to %q", streamed.String())
	}
	if n := len(f.botMessages(general)); n != 1 {
		t.Fatalf("the bot posted %d messages, want 1", n)
	}

	req := lastRequest(t, m)
	if !req.Stream || req.Model != "test-model" {
		t.Fatalf("request stream=%v model=%q", req.Stream, req.Model)
	}
	sys := req.Messages[0]
	if sys.Role != "system" || strings.Contains(sys.Content, "general") || strings.Contains(sys.Content, "capital") {
		t.Fatalf("system message %+v: want the fixed prompt, without users' text (room names included)", sys)
	}
	if where := req.Messages[1]; where.Role != "user" || where.Content != "(room: general)" {
		t.Fatalf("room named as %+v, want a user turn", where)
	}
	var convo []string
	for _, msg := range req.Messages[1:] {
		if msg.Role == "system" {
			t.Fatalf("user text became a system message: %+v", msg)
		}
		convo = append(convo, msg.Content)
	}
	joined := strings.Join(convo, "\n")
	if !strings.Contains(joined, "bob: we were talking about European capitals") ||
		!strings.HasSuffix(joined, "alice: @assistant what is the capital of France?") {
		t.Fatalf("room context sent to the model:\n%s", joined)
	}
	if got := series(t, reg, "parley_llm_requests_total", "ok"); got != 1 {
		t.Fatalf("llm ok = %v", got)
	}
	if got := series(t, reg, "parley_llm_tokens_total", "prompt"); got != 42 {
		t.Fatalf("prompt tokens = %v, want the 42 the model reported", got)
	}

	// The exchange is remembered: the next question carries it.
	f.ask(alice, general, "@assistant and of Italy?")
	req = lastRequest(t, m)
	last := req.Messages[len(req.Messages)-2]
	if last.Role != "assistant" || !strings.Contains(last.Content, "Paris is the capital of France.") {
		t.Fatalf("previous answer sent as %+v", last)
	}
}

func TestStreamNeverShowsAMaskedPhrase(t *testing.T) {
	m := newModel(t, "well, ", "oh ", "my ", "gosh, ", "that ", "is ", "a ", "long ", "answer.")
	m.Set(func(b *assistanttest.Behaviour) { b.Gap = 60 * time.Millisecond })
	f := newFixture(t, withModel(m, nil, nil))
	alice := f.user("alice")
	r := f.ask(alice, general, "@assistant react")
	if r.Text != "@alice well, **********, that is a long answer." {
		t.Fatalf("final %q", r.Text)
	}
	evs := f.streams(r.StreamID)
	var streamed strings.Builder
	for _, e := range evs {
		if strings.Contains(e.Delta, "oh") || strings.Contains(e.Delta, "my") || strings.Contains(e.Delta, "gosh") {
			t.Fatalf("a delta shows part of a filtered phrase: %+v", evs)
		}
		streamed.WriteString(e.Delta)
	}
	if len(evs) < 3 || streamed.String() != "well, **********, that is a long answer." {
		t.Fatalf("deltas %+v", evs)
	}
}

func TestStreamNeverShowsAMaskedWord(t *testing.T) {
	m := newModel(t, "well ", "da", "rn it", ", sorry")
	f := newFixture(t, withModel(m, nil, nil))
	alice := f.user("alice")
	r := f.ask(alice, general, "@assistant swear")
	if r.Text != "@alice well **** it, sorry" {
		t.Fatalf("final %q", r.Text)
	}
	for _, e := range f.streams(r.StreamID) {
		if strings.Contains(e.Delta, "da") || strings.Contains(e.Delta, "rn") {
			t.Fatalf("a delta shows part of a filtered word: %+v", f.streams(r.StreamID))
		}
	}
}

func TestModelDownGivesDegradedReply(t *testing.T) {
	m := newModel(t)
	m.Set(func(b *assistanttest.Behaviour) { b.Status = 500 })
	reg := monitoring.NewRegistry()
	f := newFixture(t, withModel(m, reg, nil))
	alice := f.user("alice")
	start := time.Now()
	r := f.ask(alice, general, "@assistant what's new?")
	wantContains(t, r, "@alice", "language model is unavailable", "help")
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("degraded reply took %v", took)
	}
	if r.StreamID != "" {
		t.Fatalf("nothing was streamed, yet the reply carries streamId %q", r.StreamID)
	}
	if got := series(t, reg, "parley_llm_requests_total", "error"); got != 1 {
		t.Fatalf("llm error = %v", got)
	}
	// Built-in commands still work, without the model.
	wantContains(t, f.ask(alice, general, "@assistant help"), "learn")
	if calls := m.Calls(); calls != 1 {
		t.Fatalf("model called %d times, want only for the open question", calls)
	}
}

func TestSilentModelTimesOut(t *testing.T) {
	m := newModel(t, "late")
	m.Set(func(b *assistanttest.Behaviour) { b.Hang = true })
	reg := monitoring.NewRegistry()
	f := newFixture(t, withModel(m, reg, func(c *assistant.Config) { c.FirstTokenTimeout = 300 * time.Millisecond }))
	alice := f.user("alice")
	wantContains(t, f.ask(alice, general, "@assistant hello?"), "language model is unavailable")
	if got := series(t, reg, "parley_llm_requests_total", "timeout"); got != 1 {
		t.Fatalf("llm timeout = %v", got)
	}
}

func TestBreakerOpensAndRecovers(t *testing.T) {
	m := newModel(t, "back ", "again")
	m.Set(func(b *assistanttest.Behaviour) { b.Status = 503 })
	reg := monitoring.NewRegistry()
	f := newFixture(t, withModel(m, reg, func(c *assistant.Config) {
		c.BreakerFailures = 2
		c.BreakerCooldown = 1500 * time.Millisecond // long enough for three questions
	}))
	alice := f.user("alice")
	for range 3 {
		wantContains(t, f.ask(alice, general, "@assistant anyone there?"), "unavailable")
	}
	if calls := m.Calls(); calls != 2 {
		t.Fatalf("model called %d times: an open breaker must not call it", calls)
	}
	if got := series(t, reg, "parley_llm_requests_total", "rejected"); got != 1 {
		t.Fatalf("llm rejected = %v", got)
	}
	wantBreaker(t, reg, "open")
	m.Set(func(b *assistanttest.Behaviour) { b.Status = 0 })
	time.Sleep(1600 * time.Millisecond)
	r := f.ask(alice, general, "@assistant and now?")
	if r.Text != "@alice back again" {
		t.Fatalf("after recovery: %q", r.Text)
	}
	wantBreaker(t, reg, "closed")
}

func TestBuiltinsAndKnowledgeBeatTheModel(t *testing.T) {
	m := newModel(t, "model answer")
	f := newFixture(t, withModel(m, nil, nil))
	alice := f.user("alice")
	f.ask(alice, general, "@assistant learn lunch => noon")
	f.ask(alice, general, "yes")
	if r := f.ask(alice, general, "@assistant lunch?"); r.Text != "@alice noon" {
		t.Fatalf("taught answer: %q", r.Text)
	}
	wantContains(t, f.ask(alice, general, "@assistant help"), "language model")
	if calls := m.Calls(); calls != 0 {
		t.Fatalf("model called %d times for built-in requests", calls)
	}
}

func TestConcurrencyLimitSaysBusy(t *testing.T) {
	m := newModel(t, "slow ", "answer")
	m.Set(func(b *assistanttest.Behaviour) { b.FirstGap = 700 * time.Millisecond })
	f := newFixture(t, withModel(m, nil, func(c *assistant.Config) { c.MaxConcurrent = 1 }))
	alice, bob := f.user("alice"), f.user("bob")
	f.say(alice, general, "@assistant first question")
	for m.Calls() == 0 { // alice's question holds the only slot
		time.Sleep(5 * time.Millisecond)
	}
	r := f.ask(bob, general, "@assistant second question")
	wantContains(t, r, "@bob", "many questions")
	wantContains(t, f.reply(general, 2), "@alice slow answer")
}

func TestQuestionsStartingWithACommandWordGoToTheModel(t *testing.T) {
	m := newModel(t, "Roses ", "are ", "red.")
	f := newFixture(t, withModel(m, nil, nil))
	alice := f.user("alice")
	for _, q := range []string{"help me write a poem", "time zones in Asia?", "时间管理怎么做", "learn Go or Rust first?"} {
		if r := f.ask(alice, general, "@assistant "+q); r.Text != "@alice Roses are red." {
			t.Fatalf("%q answered %q, want the model's answer", q, r.Text)
		}
	}
}
