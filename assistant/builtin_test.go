package assistant_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/rooms"
)

const general = parley.DefaultRoomID

func TestHelpWithoutModelAddressesTheAsker(t *testing.T) {
	f := newFixture(t, nil)
	alice := f.user("alice")
	r := f.ask(alice, general, "hey @Assistant, help")
	wantContains(t, r, "@alice", "learn", "forget", "summary", "time")
	if r.Sender.Kind != parley.KindBot {
		t.Fatalf("reply sender kind %q, want bot", r.Sender.Kind)
	}
	if len(r.Mentions) != 1 || r.Mentions[0] != "alice" {
		t.Fatalf("reply mentions %v, want [alice]", r.Mentions)
	}
	zh := f.ask(alice, general, "@assistant 帮助")
	wantContains(t, zh, "学习", "忘记")
}

func TestOnlyMentionsAreAnswered(t *testing.T) {
	f := newFixture(t, nil)
	alice := f.user("alice")
	f.say(alice, general, "help, anyone? the assistant might know")
	f.say(alice, general, "mail me at bob@assistant.example")
	r := f.ask(alice, general, "@assistant time")
	wantContains(t, r, "09:30")
	if got := f.botMessages(general); len(got) != 1 {
		t.Fatalf("the bot said %q, want only its answer to the mention", texts(got))
	}
}

func TestDirectRoomNeedsNoMention(t *testing.T) {
	f := newFixture(t, nil)
	alice := f.user("alice")
	dm, err := f.hub.OpenDirect(f.ctx, alice, "assistant")
	f.must(err)
	r := f.ask(alice, dm.ID, "help")
	wantContains(t, r, "@alice", "learn")
}

func TestTeachConfirmRecallForget(t *testing.T) {
	f := newFixture(t, nil)
	alice, bob := f.user("alice"), f.user("bob")

	r := f.ask(alice, general, "@assistant learn What's the Wi-Fi password? => ask the front desk")
	wantContains(t, r, "What's the Wi-Fi password?", "ask the front desk", "yes/no")
	r = f.ask(alice, general, "yes") // the answer to its question needs no mention
	wantContains(t, r, "Learned")

	r = f.ask(bob, general, "@assistant ＷＨＡＴＳ the  wifi password")
	if !strings.HasSuffix(r.Text, "ask the front desk") {
		t.Fatalf("recall = %q, want the taught answer", r.Text)
	}
	r = f.ask(bob, general, "@assistant forget whats the wifi password")
	wantContains(t, r, "Forgotten")
	r = f.ask(bob, general, "@assistant what's the wifi password?")
	wantContains(t, r, "don't know")
}

func TestTeachInChineseAndDecline(t *testing.T) {
	f := newFixture(t, nil)
	alice := f.user("alice")
	r := f.ask(alice, general, "@assistant 学习 午饭几点 => 十二点")
	wantContains(t, r, "午饭几点", "十二点", "是/否")
	wantContains(t, f.ask(alice, general, "是"), "学会了")
	if r := f.ask(alice, general, "@assistant 午饭几点？"); !strings.HasSuffix(r.Text, "十二点") {
		t.Fatalf("recall = %q", r.Text)
	}

	f.ask(alice, general, "@assistant learn secret => 42")
	wantContains(t, f.ask(alice, general, "no"), "won't remember")
	wantContains(t, f.ask(alice, general, "@assistant secret"), "don't know")
}

func TestBareLearnAsksThenConfirms(t *testing.T) {
	f := newFixture(t, nil)
	alice := f.user("alice")
	wantContains(t, f.ask(alice, general, "@assistant learn"), "question => answer")
	wantContains(t, f.ask(alice, general, "standup => 10:00 in room 4"), "yes/no")
	wantContains(t, f.ask(alice, general, "OK"), "Learned")
	wantContains(t, f.ask(alice, general, "@assistant Standup!"), "10:00 in room 4")
}

func TestDialogueTimesOut(t *testing.T) {
	f := newFixture(t, func(c *assistant.Config) { c.DialogueTimeout = time.Minute })
	alice := f.user("alice")
	f.ask(alice, general, "@assistant learn parking => level 2")
	f.clock.Add(2 * time.Minute)
	f.say(alice, general, "yes") // too late: overheard, not an answer
	wantContains(t, f.ask(alice, general, "@assistant parking"), "don't know")
	if n := len(f.botMessages(general)); n != 2 {
		t.Fatalf("the bot said %q, want no answer to the late yes", texts(f.botMessages(general)))
	}
}

func TestDialogueLivesInTheStore(t *testing.T) {
	f := newFixture(t, nil)
	alice := f.user("alice")
	f.ask(alice, general, "@assistant learn door code => 1234")
	mem, err := f.st.Memories.Get(f.ctx, general)
	f.must(err)
	d, ok := mem.Dialogues[alice.ID]
	if !ok || d.Stage != assistant.WaitConfirm || d.Answer != "1234" {
		t.Fatalf("stored dialogue = %+v, want WAIT_CONFIRM for door code", mem.Dialogues)
	}
	// A second assistant (another node, or this one restarted) carries on.
	other := assistant.New(assistant.Config{Store: f.st, Chat: &chat{hub: f.hub}, Bot: f.bot, Now: f.clock.Now})
	f.asst.Close()
	f.hub.OnMessage(func(p rooms.Posted) { other.Notice(assistant.IncomingOf(p.Message, p.Sender, p.Quoted, p.Edited)) })
	t.Cleanup(other.Close)
	wantContains(t, f.ask(alice, general, "yes"), "Learned")
}

func TestDialogueCapPerRoom(t *testing.T) {
	f := newFixture(t, func(c *assistant.Config) { c.MaxDialogues = 1 })
	alice, bob := f.user("alice"), f.user("bob")
	wantContains(t, f.ask(alice, general, "@assistant learn a => b"), "yes/no")
	wantContains(t, f.ask(bob, general, "@assistant learn c => d"), "Too many conversations")
}

func TestSummary(t *testing.T) {
	f := newFixture(t, nil)
	alice, bob := f.user("alice"), f.user("bob")
	f.say(alice, general, "the deploy pipeline is broken again")
	f.say(bob, general, "which deploy? the staging pipeline?")
	f.say(alice, general, "staging deploy, the pipeline fails on tests")
	r := f.ask(bob, general, "@assistant summary")
	wantContains(t, r, "alice (2)", "bob (1)", "deploy", "pipeline", "> alice:")
}

// weather is an in-process skill with a required slot, standing in for a
// service client.
type weather struct{ got chan map[string]string }

func (w weather) Name() string                { return "weather" }
func (w weather) Describe(lang string) string { return "the weather in a city" }
func (w weather) Slots() []assistant.Slot {
	return []assistant.Slot{{Name: "city", Label: map[string]string{"en": "city", "zh": "城市"}}}
}
func (w weather) Match(req *assistant.Request) (string, bool) {
	rest, ok := strings.CutPrefix(strings.ToLower(req.Text), "weather")
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), "in ")), ok
}
func (w weather) Handle(ctx context.Context, req *assistant.Request, args string, slots map[string]string) (string, error) {
	w.got <- slots
	return "Sunny in " + slots["city"], nil
}

func TestSkillAsksForMissingSlot(t *testing.T) {
	w := weather{got: make(chan map[string]string, 2)}
	f := newFixture(t, func(c *assistant.Config) { c.Skills = []assistant.Skill{w} })
	alice := f.user("alice")
	wantContains(t, f.ask(alice, general, "@assistant weather"), "Which city?")
	wantContains(t, f.ask(alice, general, "Paris"), "Sunny in Paris")
	if got := <-w.got; got["city"] != "Paris" {
		t.Fatalf("slots = %v", got)
	}
	wantContains(t, f.ask(alice, general, "@assistant weather in Oslo"), "Sunny in oslo")
	wantContains(t, f.ask(alice, general, "@assistant help"), "`weather` — the weather in a city")
}

type allowN struct{ n int }

func (a *allowN) Allow(context.Context, string) bool { a.n--; return a.n >= 0 }

func TestPerUserRateLimit(t *testing.T) {
	f := newFixture(t, func(c *assistant.Config) { c.Limiter = &allowN{n: 1} })
	alice := f.user("alice")
	wantContains(t, f.ask(alice, general, "@assistant time"), "UTC")
	wantContains(t, f.ask(alice, general, "@assistant time"), "too fast")
}

func TestNewRoomsHaveTheBot(t *testing.T) {
	f := newFixture(t, nil)
	alice := f.user("alice")
	room, err := f.hub.CreateRoom(f.ctx, alice, "secret plans", "", true)
	f.must(err)
	if _, err := f.st.Memberships.Get(f.ctx, room.ID, f.bot.ID); err != nil {
		t.Fatalf("the bot is not a member of a new private room: %v", err)
	}
	wantContains(t, f.ask(alice, room.ID, "@assistant help"), "@alice")
}

func TestBotRejoinsARoomWhenMentioned(t *testing.T) {
	f := newFixture(t, nil)
	f.hub.SetResidents() // a room made before the bot existed
	alice := f.user("alice")
	room, err := f.hub.CreateRoom(f.ctx, alice, "old room", "", false)
	f.must(err)
	wantContains(t, f.ask(alice, room.ID, "@assistant time"), "UTC")
}

func TestChatterDuringADialogueIsNotAnswered(t *testing.T) {
	f := newFixture(t, nil)
	alice := f.user("alice")
	f.ask(alice, general, "@assistant learn printer => room 12")
	f.say(alice, general, "bob, did you see the game last night?")
	wantContains(t, f.ask(alice, general, "yes"), "Learned")
	if got := texts(f.botMessages(general)); len(got) != 2 {
		t.Fatalf("the bot said %q: it answered chatter not addressed to it", got)
	}
}
