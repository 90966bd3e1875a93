package assistant_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/assistant/assistanttest"
	"github.com/parley-chat/parley/parleytest"
	"github.com/parley-chat/parley/protocol"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/store"
)

// fixture is a hub on a real SQLite store with the assistant listening.
type fixture struct {
	t     testing.TB
	ctx   context.Context
	st    *store.Store
	hub   *rooms.Hub
	rec   *parleytest.Recorder
	bot   parley.User
	asst  *assistant.Assistant
	clock *parleytest.Clock
	n     atomic.Int64
}

// chat adapts the hub for the assistant, as package app does.
type chat struct {
	hub *rooms.Hub
	n   atomic.Int64
}

func (c *chat) Post(ctx context.Context, bot parley.User, roomID, text, streamID string) (string, error) {
	m, err := c.hub.Post(ctx, bot, rooms.SendRequest{Room: roomID, Text: text, ClientMsgID: "bot-" + parley.NewID(), StreamID: streamID})
	return m.ID, err
}
func (c *chat) Stream(room, id, delta string, done bool) { c.hub.Stream(room, id, delta, done) }
func (c *chat) Typing(ctx context.Context, bot parley.User, room string, typing bool) error {
	return c.hub.Typing(ctx, bot, room, typing)
}
func (c *chat) Attend(ctx context.Context, bot parley.User, room parley.Room) (bool, error) {
	return c.hub.Attend(ctx, bot, room)
}

func newFixture(t *testing.T, tweak func(*assistant.Config)) *fixture {
	t.Helper()
	t.Parallel()
	return build(t, tweak)
}

func build(t testing.TB, tweak func(*assistant.Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	st := parleytest.Store(t)
	parleytest.Seed(t, st)
	f := &fixture{t: t, ctx: ctx, st: st, rec: parleytest.NewRecorder(), clock: parleytest.NewClock(time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC))}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.hub = rooms.New(rooms.Config{Store: st, Emitter: f.rec, Logger: quiet, SendRate: 1000, SendBurst: 1000,
		Filter: rooms.NewFilter([]string{"darn", "oh my gosh"})})
	f.bot = parley.User{ID: "bot-id", Username: "assistant", DisplayName: "Assistant", Kind: parley.KindBot, CreatedAt: f.clock.Now()}
	f.must(st.Users.Create(ctx, &f.bot))
	f.must(f.hub.AddResident(ctx, f.bot, parley.DefaultRoomID))
	f.hub.SetResidents(f.bot)
	filter := rooms.NewFilter([]string{"darn", "oh my gosh"})
	cfg := assistant.Config{
		Store: st, Chat: &chat{hub: f.hub}, Bot: f.bot, Logger: quiet,
		Now:      f.clock.Now,
		Mask:     func(s string) string { s, _ = filter.Mask(s); return s },
		Holdback: filter.LongestPhrase(),
	}
	if tweak != nil {
		tweak(&cfg)
	}
	f.asst = assistant.New(cfg)
	f.hub.OnMessage(func(p rooms.Posted) { f.asst.Notice(assistant.IncomingOf(p.Message, p.Sender, p.Quoted, p.Edited)) })
	t.Cleanup(func() {
		f.asst.Close()
		f.hub.Close()
	})
	return f
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// user makes a human member of general.
func (f *fixture) user(name string) parley.User {
	f.t.Helper()
	u := parley.User{ID: "id-" + name, Username: name, Kind: parley.KindHuman, CreatedAt: f.clock.Now()}
	f.must(f.st.Users.Create(f.ctx, &u))
	f.must(f.hub.Welcome(f.ctx, u))
	return u
}

// say sends text as u in room and returns the stored message.
func (f *fixture) say(u parley.User, room, text string) protocol.Message {
	f.t.Helper()
	m, err := f.hub.Send(f.ctx, u, rooms.SendRequest{Room: room, Text: text, ClientMsgID: fmt.Sprintf("c%d", f.n.Add(1))}, nil)
	f.must(err)
	return m
}

// botMessages are the bot's messages in room so far, oldest first.
func (f *fixture) botMessages(room string) []protocol.Message {
	var out []protocol.Message
	for _, p := range f.rec.Payloads(protocol.EventMessage) {
		m := p.(protocol.Message)
		if m.Sender.ID == f.bot.ID && m.Room == room {
			out = append(out, m)
		}
	}
	return out
}

// reply waits for the bot's n-th message (1-based) in room.
func (f *fixture) reply(room string, n int) protocol.Message {
	f.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if ms := f.botMessages(room); len(ms) >= n {
			return ms[n-1]
		}
		select {
		case <-f.rec.Signal():
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			f.t.Fatalf("no reply #%d from the bot in %s; it said %v", n, room, texts(f.botMessages(room)))
		}
	}
}

// ask sends text and returns the bot's next reply in room.
func (f *fixture) ask(u parley.User, room, text string) protocol.Message {
	f.t.Helper()
	n := len(f.botMessages(room))
	f.say(u, room, text)
	return f.reply(room, n+1)
}

func texts(ms []protocol.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text
	}
	return out
}

func wantContains(t *testing.T, m protocol.Message, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(m.Text, p) {
			t.Fatalf("reply %q does not contain %q", m.Text, p)
		}
	}
}

// newModel starts a local OpenAI-protocol model for the test.
func newModel(t *testing.T, chunks ...string) *assistanttest.Model {
	m := assistanttest.NewModel(chunks...)
	t.Cleanup(m.Close)
	return m
}

func lastRequest(t *testing.T, m *assistanttest.Model) assistanttest.Request {
	t.Helper()
	reqs := m.Requests()
	if len(reqs) == 0 {
		t.Fatal("the model was never asked")
	}
	return reqs[len(reqs)-1]
}

// modelClient is the assistant's model client pointed at m.
func modelClient(m *assistanttest.Model) assistant.Model {
	return assistant.NewOpenAI(assistant.OpenAIConfig{BaseURL: m.URL + "/v1", APIKey: "test-key", Model: "test-model"})
}
