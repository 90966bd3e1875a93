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

// Words are the skill's name and aliases, lower-cased: what a request may
// start with, and what no other service may offer as well.
func (s RemoteSkill) Words() []string {
	out := []string{strings.ToLower(strings.TrimSpace(s.Name))}
	for _, a := range s.Aliases {
		if w := strings.ToLower(strings.TrimSpace(a)); !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// Checked returns s with its name lower-cased, or BAD_REQUEST when a name
// or alias shadows a built-in command or is not a single word of at most
// 32 characters.
func (s RemoteSkill) Checked() (RemoteSkill, error) {
	s.Name = strings.ToLower(strings.TrimSpace(s.Name))
	for _, w := range append([]string{s.Name}, s.Aliases...) {
		if _, builtin := commands[strings.ToLower(w)]; builtin || strings.TrimSpace(w) == "" || greetings[strings.ToLower(w)] {
			return s, parley.Errorf(parley.CodeBadRequest, "%q cannot name a skill: it is a built-in command", w)
		}
		if strings.ContainsAny(w, " \t\n") || len([]rune(w)) > 32 {
			return s, parley.Errorf(parley.CodeBadRequest, "skill names and aliases are single words of at most 32 characters")
		}
	}
	return s, nil
}

// AskFunc sends a request to the service and waits for its answer.
type AskFunc func(ctx context.Context, req protocol.SkillMessage) (protocol.SkillMessage, error)

// Services are the skills service clients offer: those connected to this
// node (Remotes) or, in a cluster, to any node (package redisskills).
type Services interface {
	// Skills lists the skills offered now, sorted by name. When some could
	// not be listed (a registry out of reach) it returns the others with
	// an error saying why.
	Skills(ctx context.Context) ([]Skill, error)
}

// Remotes holds the skills offered by the service clients connected to this
// node. The transport registers them; the assistant routes to them.
type Remotes struct {
	now func() int64

	mu     sync.Mutex
	skills map[string]*remote // by name
}

var _ Services = (*Remotes)(nil)

// NewRemotes returns an empty registry; now stamps requests (unix ms).
func NewRemotes(now func() int64) *Remotes {
	return &Remotes{now: now, skills: map[string]*remote{}}
}

// Register offers s, answered by service through ask, until the returned
// function is called (the service disconnected). The same service may
// register a name again (a reconnect); another service may not take it,
// nor one of its aliases: CONFLICT. Names and aliases must not shadow
// built-in commands: BAD_REQUEST.
func (r *Remotes) Register(s RemoteSkill, service parley.User, ask AskFunc) (unregister func(), err error) {
	s, err = s.Checked()
	if err != nil {
		return nil, err
	}
	rs := &remote{spec: s, service: service, ask: ask, now: r.now}
	r.mu.Lock()
	defer r.mu.Unlock()
	words := s.Words()
	for _, other := range r.skills {
		if other.service.ID == service.ID {
			continue
		}
		for _, w := range other.spec.Words() {
			if slices.Contains(words, w) {
				return nil, parley.Errorf(parley.CodeConflict, "skill %q is offered by another service", w)
			}
		}
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

// Skills lists the registered skills by name. It never fails.
func (r *Remotes) Skills(context.Context) ([]Skill, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Skill, 0, len(r.skills))
	for _, s := range r.skills {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Skill) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// Ask passes req, built by another node's assistant, to the service that
// offers req.Subject here and returns its answer. UNAVAILABLE when no
// service req.To offers that skill on this node any more.
func (r *Remotes) Ask(ctx context.Context, req protocol.SkillMessage) (protocol.SkillMessage, error) {
	r.mu.Lock()
	s := r.skills[strings.ToLower(req.Subject)]
	r.mu.Unlock()
	if s == nil || s.service.Username != req.To {
		return protocol.SkillMessage{}, parley.Errorf(parley.CodeUnavailable, "no service offers %q here any more", req.Subject)
	}
	return s.ask(ctx, req)
}

// ServiceSkill is the skill spec that service offers, answered through ask:
// how a node presents a skill offered on another node.
func ServiceSkill(spec RemoteSkill, service parley.User, ask AskFunc, now func() int64) Skill {
	return &remote{spec: spec, service: service, ask: ask, now: now}
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
