package assistant

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// requestTimeout bounds the store work of one request (the model reply has
// its own timeouts).
const requestTimeout = 10 * time.Second

// limitNoticeEvery is how often a user who asks too fast is told so; the
// rest of their questions are dropped quietly.
const limitNoticeEvery = time.Minute

// handle runs one message through the pipeline.
func (a *Assistant) handle(j job) {
	if a.stop.Err() != nil {
		return // shutting down: what is queued cannot be posted any more
	}
	ctx, cancel := context.WithTimeout(a.stop, requestTimeout)
	defer cancel()
	in := j.in
	room, err := a.room(ctx, in.RoomID)
	if err != nil {
		a.log.Warn("assistant: load room", "room", in.RoomID, "err", err)
		return
	}
	direct := room.IsDirectOf(in.Sender.ID, a.cfg.Bot.ID)
	if room.Kind == parley.RoomDirect && !direct {
		return // someone else's direct room: the bot is not in it
	}
	mem, err := a.cfg.Store.Memories.Get(ctx, room.ID)
	if err != nil {
		a.log.Warn("assistant: load memory", "room", room.ID, "err", err)
		return
	}
	now := a.now()
	dialogue := open(mem, in.Sender.ID, now)
	if !j.mentioned && !direct && dialogue == nil {
		return // overheard, and not the answer to a question of ours
	}
	if a.cfg.Limiter != nil && !a.cfg.Limiter.Allow(ctx, in.Sender.ID) {
		a.metrics.requests.WithLabelValues("limited").Inc()
		if a.shouldNoticeLimit(in.Sender.ID, now) {
			a.post(ctx, in, say(language(in.Text), "limited"), "")
		}
		return
	}
	if room.Kind == parley.RoomGroup && !a.present(ctx, room) {
		return
	}
	req := &Request{Msg: in, Room: room, Text: sanitize(in.Text, a.mention), Dialogue: dialogue, Now: now, Addressed: j.mentioned || direct}
	req.Lang = language(req.Text)
	_, hadDialogue := mem.Dialogues[in.Sender.ID] // open or expired: either is cleared
	reply, err := a.respond(ctx, req)
	if err != nil {
		a.log.Error("assistant: respond", "room", room.ID, "err", err)
		a.answer(ctx, req, say(req.Lang, "error"), "")
		return
	}
	if reply.Silent {
		return
	}
	if reply.Next != nil || hadDialogue {
		if !a.setDialogue(ctx, mem, req, reply.Next) {
			reply = Reply{Text: say(req.Lang, "dialogues.full"), Route: "builtin"}
		}
	}
	if reply.ToModel {
		a.askModel(req)
		return
	}
	if reply.Later != nil {
		a.metrics.requests.WithLabelValues(reply.Route).Inc()
		a.later(req, reply.Later)
		return
	}
	a.metrics.requests.WithLabelValues(reply.Route).Inc()
	a.answer(ctx, req, reply.Text, "")
}

// answer posts a reply to req and remembers the exchange.
func (a *Assistant) answer(ctx context.Context, req *Request, text, streamID string) {
	id, ok := a.post(ctx, req.Msg, text, streamID)
	if !ok {
		return
	}
	a.metrics.reply.Observe(since(req.Msg.At))
	turns := []store.Turn{
		{MessageID: req.Msg.ID, Role: "user", UserID: req.Msg.Sender.ID, Name: req.Msg.Sender.Username, Text: req.Msg.Text, At: req.Msg.At},
		{MessageID: id, Role: "assistant", UserID: a.cfg.Bot.ID, Name: a.cfg.Bot.Username, Text: a.cfg.Mask(text), At: a.now()},
	}
	if err := a.cfg.Store.Memories.AddTurns(ctx, req.Room.ID, turns, a.cfg.MemoryTurns); err != nil {
		a.log.Warn("assistant: remember turns", "room", req.Room.ID, "err", err)
	}
}

// post says text in the asker's room, addressed to them, bounded to the
// rooms' length limit.
func (a *Assistant) post(ctx context.Context, in Incoming, text, streamID string) (string, bool) {
	text = "@" + in.Sender.Username + " " + strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > a.cfg.MaxText {
		text = string([]rune(text)[:a.cfg.MaxText-1]) + "…"
	}
	id, err := a.cfg.Chat.Post(ctx, a.cfg.Bot, in.RoomID, text, streamID)
	if err != nil {
		a.log.Error("assistant: post reply", "room", in.RoomID, "err", err)
		return "", false
	}
	return id, true
}

// setDialogue stores the asker's next dialogue (nil ends it). A room with
// MaxDialogues open refuses a new one; expired ones are swept first.
func (a *Assistant) setDialogue(ctx context.Context, mem *store.Memory, req *Request, next *store.Dialogue) bool {
	uid := req.Msg.Sender.ID
	if next != nil {
		if _, has := mem.Dialogues[uid]; !has {
			open := 0
			for other, d := range mem.Dialogues {
				if !d.ExpiresAt.After(req.Now) {
					if err := a.cfg.Store.Memories.SetDialogue(ctx, req.Room.ID, other, nil); err != nil {
						a.log.Warn("assistant: sweep dialogue", "room", req.Room.ID, "err", err)
					}
					continue
				}
				open++
			}
			if open >= a.cfg.MaxDialogues {
				return false
			}
		}
	}
	if err := a.cfg.Store.Memories.SetDialogue(ctx, req.Room.ID, uid, next); err != nil {
		a.log.Warn("assistant: save dialogue", "room", req.Room.ID, "err", err)
	}
	return true
}

func (a *Assistant) shouldNoticeLimit(userID string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if now.Sub(a.limitNotice[userID]) < limitNoticeEvery {
		return false
	}
	if len(a.limitNotice) > 10_000 {
		clear(a.limitNotice)
	}
	a.limitNotice[userID] = now
	return true
}

// room loads a room once; its kind and direct key never change.
func (a *Assistant) room(ctx context.Context, id string) (*parley.Room, error) {
	a.mu.Lock()
	r, ok := a.rooms[id]
	a.mu.Unlock()
	if ok {
		return r, nil
	}
	r, err := a.cfg.Store.Rooms.ByID(ctx, id)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if len(a.rooms) > 10_000 {
		clear(a.rooms)
	}
	a.rooms[id] = r
	a.mu.Unlock()
	return r, nil
}

// present reports whether the bot is in a group room, as the hub says.
func (a *Assistant) present(ctx context.Context, room *parley.Room) bool {
	ok, err := a.cfg.Chat.Attend(ctx, a.cfg.Bot, *room)
	if err != nil {
		a.log.Warn("assistant: membership", "room", room.ID, "err", err)
	}
	return ok
}

// later answers req with produce's text from its own goroutine, holding
// one of the skill slots; with none free the asker is told the bot is busy.
func (a *Assistant) later(req *Request, produce func(context.Context) string) {
	ok := a.spawn(a.skillSlots, func() {
		ctx, cancel := context.WithTimeout(a.stop, a.cfg.SkillTimeout+requestTimeout)
		defer cancel()
		a.answer(ctx, req, produce(ctx), "")
	})
	if !ok {
		a.busy(req)
	}
}

// spawn runs fn in a goroutine that holds a slot of slots and that Close
// waits for; false, and nothing run, when every slot is taken.
func (a *Assistant) spawn(slots chan struct{}, fn func()) bool {
	select {
	case slots <- struct{}{}:
	default:
		return false
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer func() { <-slots }()
		fn()
	}()
	return true
}

// busy tells the asker to come back in a moment.
func (a *Assistant) busy(req *Request) {
	ctx, cancel := context.WithTimeout(a.stop, requestTimeout)
	defer cancel()
	a.answer(ctx, req, say(req.Lang, "busy"), "")
}
