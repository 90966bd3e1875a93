package assistant_test

import (
	"strings"
	"testing"

	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/rooms"
)

// A reply to the bot is addressed to it without a mention, and the model
// reads the answer being replied to even when it has left the room's
// recent messages.
func TestReplyToTheBotContinuesTheConversation(t *testing.T) {
	m := newModel(t, "Madrid.")
	f := newFixture(t, withModel(m, monitoring.NewRegistry(), func(c *assistant.Config) { c.MemoryMessages = 2 }))
	alice, bob := f.user("alice"), f.user("bob")
	first := f.ask(alice, general, "@assistant what is the capital of France?")
	for _, s := range []string{"lunch?", "yes, at noon", "see you there"} {
		f.say(bob, general, s)
	}
	asked := len(m.Requests())
	_, err := f.hub.Send(f.ctx, bob, rooms.SendRequest{Room: general, Text: "and the capital of Spain?", ClientMsgID: "r1", ReplyTo: first.ID}, nil)
	f.must(err)
	if r := f.reply(general, 2); r.Text != "@bob Madrid." {
		t.Fatalf("the bot answered the reply with %q", r.Text)
	}
	reqs := m.Requests()
	if len(reqs) != asked+1 {
		t.Fatalf("the model was asked %d times for the reply, want once", len(reqs)-asked)
	}
	msgs := reqs[len(reqs)-1].Messages
	n := len(msgs)
	quoted, question := msgs[n-2], msgs[n-1]
	if quoted.Role != "assistant" || quoted.Content != strings.TrimPrefix(first.Text, "@alice ") ||
		question.Role != "user" || question.Content != "bob: and the capital of Spain?" {
		t.Fatalf("the prompt ends with %+v then %+v, want the quoted answer then the question", quoted, question)
	}
}

// An edit that adds a mention of the bot is answered; editing the message
// again, still mentioning it, is not answered a second time.
func TestEditAddingMentionIsAnsweredOnce(t *testing.T) {
	f := newFixture(t, nil)
	alice := f.user("alice")
	long := "I wonder whether anybody here knows the answer to this question"
	sent := f.say(alice, general, long)
	_, err := f.hub.EditMessage(f.ctx, alice, general, sent.ID, long+", @assistant hello")
	f.must(err)
	if r := f.reply(general, 1); !strings.HasPrefix(r.Text, "@alice ") {
		t.Fatalf("the bot answered the edit with %q", r.Text)
	}
	_, err = f.hub.EditMessage(f.ctx, alice, general, sent.ID, long+", @assistant hello!")
	f.must(err)
	// The next question is answered as the bot's second message: the
	// second edit (queued before it, by the same sender) got none.
	f.say(alice, general, "@assistant help")
	if second := f.reply(general, 2); !strings.Contains(second.Text, "`help` — this list") {
		t.Fatalf("the bot's second message is %q, want its help: the second edit was answered", second.Text)
	}
}
