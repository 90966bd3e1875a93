// Package assistant is Parley's bot: a member of every room that answers
// when @mentioned (or written to directly), from built-in commands, taught
// answers, skills and an OpenAI-compatible model whose reply streams into
// the room. It knows nothing of HTTP, Socket.IO or a database driver: it
// reads the store, and speaks through a Chat (the hub).
//
// Each message runs through a chain of small steps off the hub's path:
// notice (is it for me?) -> sanitize -> route (dialogue, command, skill,
// knowledge, model) -> produce -> post, where posting goes through the
// hub's own pipeline (sensitive-word filter, durable append, fan-out).
package assistant

import (
	"context"
	"hash/fnv"
	"log/slog"
	"regexp"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sony/gobreaker/v2"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/store"
)

// Config configures an Assistant. Zero values take the defaults noted.
type Config struct {
	Store *store.Store
	Chat  Chat
	// Bot is the assistant's account (kind bot).
	Bot parley.User
	// Model answers what nothing built in can (nil: built-in only).
	Model Model
	// Skills run in process; Services are the skills of service clients
	// (Remotes: those connected to this node; nil: none).
	Skills   []Skill
	Services Services
	// Limiter bounds how often one user may ask (nil: no limit).
	Limiter Limiter
	// Mask applies the rooms' sensitive-word filter to streamed text; the
	// final message is filtered by the hub like any other.
	Mask func(string) string
	// Holdback is how many trailing characters a stream keeps back besides
	// an unfinished word: the longest filtered phrase (rooms.Filter's
	// LongestPhrase), so no phrase shows before it is masked.
	Holdback int
	// Workers handle messages in parallel (8); one user's messages in one
	// room always go to the same worker, in order. Queue bounds each
	// worker's backlog (256).
	Workers int
	Queue   int
	// MaxConcurrent bounds model requests in flight (4); past it the asker
	// gets a short "busy" reply at once.
	MaxConcurrent int
	// ModelTimeout bounds a whole model reply (60s); FirstTokenTimeout the
	// wait for its first piece (15s). SkillTimeout bounds a skill (5s).
	ModelTimeout      time.Duration
	FirstTokenTimeout time.Duration
	SkillTimeout      time.Duration
	// BreakerFailures consecutive model failures open the breaker (3) for
	// BreakerCooldown (30s), during which askers get degraded replies at
	// once instead of waiting on a dead model.
	BreakerFailures uint32
	BreakerCooldown time.Duration
	// The model's context: the room's last MemoryMessages messages (30),
	// trimmed to MemoryChars characters (8000). MemoryTurns is how many of
	// the bot's own exchanges the store keeps per room (40).
	MemoryMessages int
	MemoryChars    int
	MemoryTurns    int
	// DialogueTimeout ends a dialogue the user walked away from (2m);
	// MaxDialogues bounds the dialogues open in one room (50).
	DialogueTimeout time.Duration
	MaxDialogues    int
	// StreamInterval coalesces streamed deltas (50ms).
	StreamInterval time.Duration
	// MaxText bounds a reply in characters (4000, the rooms' limit).
	MaxText int
	// MemoryTTL forgets the memory of rooms the bot has not spoken in for
	// that long (30 days); MongoDB also has a TTL index for it.
	MemoryTTL time.Duration
	Now       func() time.Time
	NewID     func() string
	Logger    *slog.Logger
	Metrics   *monitoring.Registry
}

func (c *Config) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	defInt := func(n *int, v int) {
		if *n <= 0 {
			*n = v
		}
	}
	defInt(&c.Workers, 8)
	defInt(&c.Queue, 256)
	defInt(&c.MaxConcurrent, 4)
	def(&c.ModelTimeout, 60*time.Second)
	def(&c.FirstTokenTimeout, 15*time.Second)
	def(&c.SkillTimeout, 5*time.Second)
	if c.BreakerFailures == 0 {
		c.BreakerFailures = 3
	}
	def(&c.BreakerCooldown, 30*time.Second)
	defInt(&c.MemoryMessages, 30)
	defInt(&c.MemoryChars, 8000)
	defInt(&c.MemoryTurns, 40)
	def(&c.DialogueTimeout, 2*time.Minute)
	defInt(&c.MaxDialogues, 50)
	def(&c.StreamInterval, 50*time.Millisecond)
	defInt(&c.MaxText, 4000)
	def(&c.MemoryTTL, 30*24*time.Hour)
	if c.Mask == nil {
		c.Mask = func(s string) string { return s }
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.NewID == nil {
		c.NewID = parley.NewID
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// shortAnswer is how long a message may be and still be read as the answer
// to a question the bot asked without mentioning it ("yes", "Paris").
const shortAnswer = 200

// Assistant is the bot of one node. It handles the messages this node
// accepted, so in a cluster every message is answered once.
type Assistant struct {
	cfg     Config
	log     *slog.Logger
	mention *regexp.Regexp
	metrics *metrics
	breaker *gobreaker.CircuitBreaker[Usage]
	models  chan struct{} // semaphore of model requests
	// skillSlots bounds skill requests in flight (4 × MaxConcurrent).
	skillSlots chan struct{}

	queues []chan job
	wg     sync.WaitGroup // workers and model replies
	stop   context.Context
	cancel context.CancelFunc

	mu          sync.Mutex
	rooms       map[string]*parley.Room // rooms never change kind or name
	limitNotice map[string]time.Time
	closed      bool
}

type job struct {
	in        Incoming
	mentioned bool
}

// New builds an assistant and starts its workers.
func New(cfg Config) *Assistant {
	cfg.defaults()
	stop, cancel := context.WithCancel(context.Background())
	a := &Assistant{
		cfg:         cfg,
		log:         cfg.Logger.With("component", "assistant"),
		mention:     mentionPattern(cfg.Bot.Username),
		models:      make(chan struct{}, cfg.MaxConcurrent),
		skillSlots:  make(chan struct{}, 4*cfg.MaxConcurrent),
		stop:        stop,
		cancel:      cancel,
		rooms:       map[string]*parley.Room{},
		limitNotice: map[string]time.Time{},
	}
	a.metrics = newMetrics(monitoring.OrNew(cfg.Metrics))
	a.breaker = gobreaker.NewCircuitBreaker[Usage](gobreaker.Settings{
		Name:        "model",
		MaxRequests: 1,
		Timeout:     cfg.BreakerCooldown,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= cfg.BreakerFailures },
		OnStateChange: func(_ string, from, to gobreaker.State) {
			a.metrics.breakerState(to)
			a.log.Warn("model circuit breaker", "from", from.String(), "to", to.String())
		},
	})
	a.wg.Add(1)
	go a.expireMemories()
	a.queues = make([]chan job, cfg.Workers)
	for i := range a.queues {
		a.queues[i] = make(chan job, cfg.Queue)
		a.wg.Add(1)
		go a.work(a.queues[i])
	}
	return a
}

// Notice is the hub's observer: it decides cheaply whether a message may be
// for the bot and queues it. It never blocks.
func (a *Assistant) Notice(in Incoming) {
	bot := a.cfg.Bot
	if in.Sender.ID == bot.ID || in.Sender.Kind != parley.KindHuman {
		return // never its own words, nor another bot's: no loops
	}
	mentioned := slices.Contains(in.Mentions, bot.Username)
	if in.Edited && !mentioned {
		return // an edit is answered once, when it first mentions the bot
	}
	mentioned = mentioned || Mentions(in.Text, bot.Username) || in.Quoted != nil && in.Quoted.SenderID == bot.ID
	if !mentioned && utf8.RuneCountInString(in.Text) > shortAnswer && !a.isDirect(in.RoomID) {
		return
	}
	h := fnv.New32a()
	h.Write([]byte(in.RoomID + "\x00" + in.Sender.ID))
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return
	}
	select {
	case a.queues[h.Sum32()%uint32(len(a.queues))] <- job{in: in, mentioned: mentioned}:
	default:
		if mentioned {
			// Never silence: the asker hears that the bot is busy.
			a.metrics.requests.WithLabelValues("dropped").Inc()
			a.log.Warn("assistant queue full: mention answered busy", "room", in.RoomID, "message", in.ID)
			a.wg.Add(1)
			go func() {
				defer a.wg.Done()
				ctx, cancel := context.WithTimeout(a.stop, requestTimeout)
				defer cancel()
				a.post(ctx, in, say(language(in.Text), "busy"), "")
			}()
		}
	}
}

// isDirect reports whether roomID is known to be a direct room; unknown
// rooms are looked up by the worker.
func (a *Assistant) isDirect(roomID string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	r, ok := a.rooms[roomID]
	return !ok || r.Kind == parley.RoomDirect
}

// Close stops taking messages, cancels the replies in progress and waits
// for every goroutine to return. It runs after the hub stopped accepting
// sends, so what is cancelled here could not have been posted anyway.
// Safe to call twice.
func (a *Assistant) Close() {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return
	}
	a.closed = true
	for _, q := range a.queues {
		close(q)
	}
	a.mu.Unlock()
	a.cancel()
	a.wg.Wait()
}

// expireMemories forgets idle rooms' memories, hourly.
func (a *Assistant) expireMemories() {
	defer a.wg.Done()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		ctx, cancel := context.WithTimeout(a.stop, requestTimeout)
		n, err := a.cfg.Store.Memories.Expire(ctx, a.now().Add(-a.cfg.MemoryTTL))
		cancel()
		if err != nil && a.stop.Err() == nil {
			a.log.Warn("assistant: expire memories", "err", err)
		} else if n > 0 {
			a.log.Info("assistant: forgot idle rooms", "rooms", n)
		}
		select {
		case <-a.stop.Done():
			return
		case <-t.C:
		}
	}
}

func (a *Assistant) work(q chan job) {
	defer a.wg.Done()
	for j := range q {
		a.handle(j)
	}
}

// skills lists in-process skills, then services'. Services that cannot
// all be listed are logged and the others used.
func (a *Assistant) skills(ctx context.Context) []Skill {
	out := append([]Skill(nil), a.cfg.Skills...)
	if a.cfg.Services != nil {
		more, err := a.cfg.Services.Skills(ctx)
		if err != nil {
			a.log.Warn("assistant: some skills could not be listed", "err", err)
		}
		out = append(out, more...)
	}
	return out
}
