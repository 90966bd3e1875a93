package assistant

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// RemoteSkill is a skill a service client offers.
type RemoteSkill struct {
	Name        string            `json:"name"`
	Aliases     []string          `json:"aliases"`
	Description map[string]string `json:"description"` // by language
	Slots       []Slot            `json:"slots"`
}

// AskFunc sends a request to the service and waits for its answer.
type AskFunc func(ctx context.Context, req protocol.SkillMessage) (protocol.SkillMessage, error)

// Remotes holds the skills offered by the service clients connected to this
// node. The transport registers them; the assistant routes to them.
type Remotes struct {
	now func() int64

	mu     sync.Mutex
	skills map[string]*remote // by name
}

// NewRemotes returns an empty registry; now stamps requests (unix ms).
func NewRemotes(now func() int64) *Remotes {
	return &Remotes{now: now, skills: map[string]*remote{}}
}

// Register offers s, answered by service through ask, until the returned
// function is called (the service disconnected). The same service may
// register a name again (a reconnect); another service may not take it:
// CONFLICT. Names and aliases must not shadow built-in commands:
// BAD_REQUEST.
func (r *Remotes) Register(s RemoteSkill, service parley.User, ask AskFunc) (unregister func(), err error) {
	s.Name = strings.ToLower(strings.TrimSpace(s.Name))
	for _, w := range append([]string{s.Name}, s.Aliases...) {
		if _, builtin := commands[strings.ToLower(w)]; builtin || strings.TrimSpace(w) == "" || greetings[strings.ToLower(w)] {
			return nil, parley.Errorf(parley.CodeBadRequest, "%q cannot name a skill: it is a built-in command", w)
		}
		if strings.ContainsAny(w, " \t\n") || len([]rune(w)) > 32 {
			return nil, parley.Errorf(parley.CodeBadRequest, "skill names and aliases are single words of at most 32 characters")
		}
	}
	rs := &remote{spec: s, service: service, ask: ask, now: r.now}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.skills[s.Name]; ok && old.service.ID != service.ID {
		return nil, parley.Errorf(parley.CodeConflict, "skill %q is offered by another service", s.Name)
	}
	r.skills[s.Name] = rs
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.skills[s.Name] == rs {
			delete(r.skills, s.Name)
		}
	}, nil
}

// Skills lists the registered skills by name.
func (r *Remotes) Skills() []Skill {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Skill, 0, len(r.skills))
	for _, s := range r.skills {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Skill) int { return strings.Compare(a.Name(), b.Name()) })
	return out
}

type remote struct {
	spec    RemoteSkill
	service parley.User
	ask     AskFunc
	now     func() int64
}

func (s *remote) Name() string  { return s.spec.Name }
func (s *remote) Slots() []Slot { return s.spec.Slots }

func (s *remote) Describe(lang string) string {
	if d := s.spec.Description[lang]; d != "" {
		return d
	}
	return s.spec.Description["en"]
}

// Match takes requests that start with the skill's name or an alias:
// "weather in Paris", "天气 北京", "北京天气" is not (the name must lead).
func (s *remote) Match(req *Request) (string, bool) {
	return matchWords(req.Text, append([]string{s.spec.Name}, s.spec.Aliases...))
}

func (s *remote) Handle(ctx context.Context, req *Request, args string, slots map[string]string) (string, error) {
	ans, err := s.ask(ctx, protocol.SkillMessage{
		From: req.Msg.Sender.Username, To: s.service.Username, Subject: s.spec.Name,
		Content: args, Type: protocol.SkillRequest, CreateTime: s.now(),
		Room: req.Room.ID, Lang: req.Lang, Slots: slots,
	})
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(ans.Content) == "" {
		return "", parley.Errorf(parley.CodeUnavailable, "the %s service answered nothing", s.spec.Name)
	}
	return ans.Content, nil
}

// matchWords reports whether text starts with one of words (a whole word,
// or any prefix for Chinese) and returns the rest, without a leading "in",
// "for" or "的".
func matchWords(text string, words []string) (string, bool) {
	for _, w := range words {
		if w == "" || len(text) < len(w) || !strings.EqualFold(text[:len(w)], w) {
			continue
		}
		rest := text[len(w):]
		if language(w) != "zh" && rest != "" && !strings.HasPrefix(rest, " ") {
			continue
		}
		rest = strings.TrimSpace(strings.TrimLeft(rest, " :：,，?？"))
		for _, filler := range []string{"in ", "for ", "at ", "的", "在"} {
			rest = strings.TrimSpace(strings.TrimPrefix(rest, filler))
		}
		return strings.TrimRight(rest, "?？!！.。"), true
	}
	return "", false
}
