package assistant

import (
	"context"
	"strings"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// Reply is what the responder answers.
type Reply struct {
	Text string
	// Next is the asker's dialogue after this reply; nil ends an open one.
	Next *store.Dialogue
	// ToModel hands the request to the language model instead.
	ToModel bool
	// Route names the path taken, for metrics: builtin, skill, model.
	Route string
	// Silent: the message was not for the bot after all.
	Silent bool
	// Later produces the text off the worker (a skill's answer).
	Later func(ctx context.Context) string
}

// commands maps the words that start a built-in command, in English and
// Chinese, to the command. Chinese commands need no space after them.
var commands = map[string]string{
	"help": "help", "帮助": "help",
	"learn": "learn", "teach": "learn", "学习": "learn", "记住": "learn",
	"forget": "forget", "忘记": "forget",
	"summary": "summary", "summarize": "summary", "总结": "summary", "摘要": "summary",
	"time": "time", "时间": "time", "几点": "time",
}

// greetings may precede a command: "hey @assistant, help".
var greetings = set("hey", "hi", "hello", "yo", "please", "pls", "你好", "请", "嗨")

// command splits text into a built-in command and its argument. A word
// that merely starts a question ("help me write a poem", "时间管理怎么做")
// is not a command: help, time and summary stand alone, learn needs
// "=>" (or nothing, to be asked), forget needs what to forget.
func command(text string) (cmd, arg string) {
	first, rest, _ := strings.Cut(text, " ")
	if greetings[strings.ToLower(strings.Trim(first, ",.!:，。！："))] && rest != "" {
		if c, a := command(strings.TrimLeft(rest, ",.!:，。！： ")); c != "" {
			return c, a
		}
	}
	if c, ok := commands[strings.ToLower(strings.TrimRight(first, "!.:：！。"))]; ok && accepts(c, strings.TrimSpace(rest)) {
		return c, strings.TrimSpace(rest)
	}
	for word, c := range commands {
		if language(word) != "zh" || !strings.HasPrefix(text, word) {
			continue
		}
		rest := strings.TrimPrefix(text, word)
		arg := strings.TrimSpace(strings.TrimLeft(rest, ":： "))
		separated := rest == "" || strings.ContainsAny(rest[:1], " :") || strings.HasPrefix(rest, "：")
		if (separated || c == "learn") && accepts(c, arg) {
			return c, arg
		}
	}
	return "", text
}

// accepts reports whether arg suits command c.
func accepts(c, arg string) bool {
	arg = strings.Trim(arg, "?？!！.。 ")
	switch c {
	case "learn":
		_, _, ok := splitTeaching(arg)
		return arg == "" || ok
	case "forget":
		return arg != ""
	}
	return arg == ""
}

// respond is the route step: an open dialogue first, then built-in
// commands, skills, taught answers, and finally the model (or "I don't
// know").
func (a *Assistant) respond(ctx context.Context, req *Request) (Reply, error) {
	if d := req.Dialogue; d != nil {
		if r, handled, err := a.continueDialogue(ctx, req, d); handled || err != nil {
			return r, err
		}
		if !req.Addressed && d.Stage != WaitQuery {
			// Overheard chatter while a question of ours is open: not an
			// answer, not for us. The dialogue waits on.
			return Reply{Silent: true}, nil
		}
	}
	if req.Text == "" {
		return Reply{Text: say(req.Lang, "ask"), Next: a.dialogue(req, store.Dialogue{Stage: WaitQuery}), Route: "builtin"}, nil
	}
	switch cmd, arg := command(req.Text); cmd {
	case "help":
		return Reply{Text: a.help(ctx, req.Lang), Route: "builtin"}, nil
	case "learn":
		return a.learn(req, arg), nil
	case "forget":
		return a.forget(ctx, req, arg)
	case "summary":
		text, err := a.summary(ctx, req)
		return Reply{Text: text, Route: "builtin"}, err
	case "time":
		return Reply{Text: say(req.Lang, "time", req.Now.UTC().Format("15:04, Monday 2 January 2006")), Route: "builtin"}, nil
	}
	for _, s := range a.skills(ctx) {
		if args, ok := s.Match(req); ok {
			return a.runSkill(ctx, req, s, args, nil)
		}
	}
	k, err := a.cfg.Store.Knowledge.Lookup(ctx, req.Room.ID, Normalize(req.Text))
	switch {
	case err == nil:
		return Reply{Text: k.Answer, Route: "builtin"}, nil
	case parley.CodeOf(err) != parley.CodeNotFound:
		return Reply{}, err
	}
	if a.cfg.Model != nil {
		return Reply{ToModel: true, Route: "model"}, nil
	}
	return Reply{Text: say(req.Lang, "unknown"), Route: "builtin"}, nil
}

// continueDialogue handles the message that answers the bot's question.
// handled is false when the message is not an answer (it starts over).
func (a *Assistant) continueDialogue(ctx context.Context, req *Request, d *store.Dialogue) (Reply, bool, error) {
	switch d.Stage {
	case WaitConfirm:
		switch answer(req.Text) {
		case 1:
			err := a.cfg.Store.Knowledge.Teach(ctx, store.Knowledge{
				RoomID: req.Room.ID, Question: Normalize(d.Question), Answer: d.Answer,
				TaughtBy: req.Msg.Sender.ID, CreatedAt: req.Now,
			})
			return Reply{Text: say(req.Lang, "learn.done", d.Question), Route: "builtin"}, true, err
		case -1:
			return Reply{Text: say(req.Lang, "learn.cancel"), Route: "builtin"}, true, nil
		}
	case WaitLearn:
		if req.Text != "" {
			r := a.learn(req, req.Text)
			return r, true, nil
		}
	case WaitQuery:
		req.Dialogue = nil
		return Reply{}, false, nil
	case WaitSlot:
		for _, s := range a.skills(ctx) {
			if s.Name() == d.Skill && req.Text != "" {
				slots := map[string]string{}
				for k, v := range d.Slots {
					slots[k] = v
				}
				slots[d.Question] = req.Text
				r, err := a.runSkill(ctx, req, s, req.Text, slots)
				return r, true, err
			}
		}
	}
	return Reply{}, false, nil
}

func (a *Assistant) learn(req *Request, arg string) Reply {
	if arg == "" {
		return Reply{Text: say(req.Lang, "learn.ask"), Next: a.dialogue(req, store.Dialogue{Stage: WaitLearn}), Route: "builtin"}
	}
	q, ans, ok := splitTeaching(arg)
	if !ok {
		return Reply{Text: say(req.Lang, "learn.bad"), Route: "builtin"}
	}
	return Reply{
		Text:  say(req.Lang, "learn.confirm", q, ans),
		Next:  a.dialogue(req, store.Dialogue{Stage: WaitConfirm, Skill: "learn", Question: q, Answer: ans}),
		Route: "builtin",
	}
}

func (a *Assistant) forget(ctx context.Context, req *Request, arg string) (Reply, error) {
	err := a.cfg.Store.Knowledge.Forget(ctx, req.Room.ID, Normalize(arg))
	switch {
	case err == nil:
		return Reply{Text: say(req.Lang, "forget.done", arg), Route: "builtin"}, nil
	case parley.CodeOf(err) == parley.CodeNotFound:
		return Reply{Text: say(req.Lang, "forget.none", arg), Route: "builtin"}, nil
	}
	return Reply{}, err
}

// runSkill asks for a missing slot or runs the skill.
func (a *Assistant) runSkill(ctx context.Context, req *Request, s Skill, args string, slots map[string]string) (Reply, error) {
	if slots == nil {
		slots = map[string]string{}
	}
	for _, slot := range s.Slots() {
		if slots[slot.Name] != "" {
			continue
		}
		if args != "" {
			slots[slot.Name] = args
			continue
		}
		label := slot.Label[req.Lang]
		if label == "" {
			label = slot.Name
		}
		return Reply{
			Text:  say(req.Lang, "slot", label),
			Next:  a.dialogue(req, store.Dialogue{Stage: WaitSlot, Skill: s.Name(), Question: slot.Name, Slots: slots}),
			Route: "skill",
		}, nil
	}
	// The skill itself runs off the worker: a slow service must not hold up
	// the other users whose messages the worker handles.
	return Reply{Route: "skill", Later: func(ctx context.Context) string {
		ctx, cancel := context.WithTimeout(ctx, a.cfg.SkillTimeout)
		defer cancel()
		text, err := s.Handle(ctx, req, args, slots)
		if err != nil {
			a.log.Warn("skill failed", "skill", s.Name(), "err", err)
			return say(req.Lang, "skill.failed", s.Name())
		}
		return text
	}}, nil
}

// dialogue stamps a new dialogue's expiry.
func (a *Assistant) dialogue(req *Request, d store.Dialogue) *store.Dialogue {
	d.ExpiresAt = req.Now.Add(a.cfg.DialogueTimeout)
	return &d
}

func (a *Assistant) help(ctx context.Context, lang string) string {
	var skills strings.Builder
	for _, s := range a.skills(ctx) {
		skills.WriteString(say(lang, "help.skill", s.Name(), s.Describe(lang)))
	}
	model := ""
	if a.cfg.Model != nil {
		model = say(lang, "help.model")
	}
	return say(lang, "help", a.cfg.Bot.DisplayName, skills.String(), model)
}

// now is the assistant's clock, to the millisecond as the store keeps it.
func (a *Assistant) now() time.Time { return parley.Millis(a.cfg.Now()) }
