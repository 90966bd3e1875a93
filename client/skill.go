package parleyclient

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/parley-chat/parley/protocol"
)

// Skill is something a service offers to the assistant: `@assistant
// <name or alias> ...` reaches the service as a SkillRequest.
type Skill struct {
	Name        string            `json:"name"`
	Aliases     []string          `json:"aliases"`
	Description map[string]string `json:"description"` // by language: "en", "zh"
	Slots       []Slot            `json:"slots"`
}

// Slot is a value the skill needs, which the assistant asks the user for
// when the request leaves it out.
type Slot struct {
	Name  string            `json:"name"`
	Label map[string]string `json:"label"` // by language
}

// SkillRequest is the assistant asking a service: From (the asker's
// username) asks To (the service) about Subject (the skill's name).
type SkillRequest struct {
	From       string
	To         string
	Subject    string
	Content    string // what followed the skill's name: "Paris"
	Type       string // "skill.request"
	CreateTime time.Time
	Room       string
	Lang       string            // "en" or "zh"
	Slots      map[string]string // by slot name
}

// SkillReply is the service's answer, posted by the assistant to the asker.
type SkillReply struct {
	Content string
}

// SkillHandler answers one request. An error (or an empty Content) tells
// the asker the service answered nothing.
type SkillHandler func(context.Context, SkillRequest) (SkillReply, error)

type skillEntry struct {
	skill   Skill
	handler SkillHandler
	offered bool // the server accepted it once: offer it again on reconnection
}

// RegisterSkill offers skill to the assistant (service accounts only:
// others get FORBIDDEN) and answers its requests with handler until the
// client closes, offering it again after every reconnection.
func (c *Client) RegisterSkill(ctx context.Context, skill Skill, handler SkillHandler) error {
	if handler == nil {
		return fmt.Errorf("parleyclient: RegisterSkill %q: nil handler", skill.Name)
	}
	key := skillKey(skill.Name)
	entry := &skillEntry{skill: skill, handler: handler}
	c.mu.Lock()
	prev := c.skills[key]
	c.skills[key] = entry
	c.mu.Unlock()
	for {
		c.mu.Lock()
		conn := c.connections
		c.mu.Unlock()
		if err := c.call(ctx, eventSkill, skill, nil, retryOnDisconnect); err != nil {
			c.mu.Lock()
			if c.skills[key] == entry {
				if prev != nil {
					c.skills[key] = prev
				} else {
					delete(c.skills, key)
				}
			}
			c.mu.Unlock()
			return err
		}
		c.mu.Lock()
		entry.offered = true
		again := c.connections != conn
		c.mu.Unlock()
		// A reconnection while the server answered skipped this skill,
		// which was not offered yet; the new connection needs it too.
		if !again {
			return nil
		}
	}
}

// skillKey is a name as the server keys it (requests carry that form).
func skillKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// reregisterSkills offers every skill again to a new connection: the
// server forgets a connection's skills when it closes.
func (c *Client) reregisterSkills() {
	c.mu.Lock()
	skills := make([]Skill, 0, len(c.skills))
	for _, e := range c.skills {
		if e.offered {
			skills = append(skills, e.skill)
		}
	}
	c.mu.Unlock()
	for _, s := range skills {
		if err := c.call(c.ctx, eventSkill, s, nil, retryOnDisconnect); err != nil && c.ctx.Err() == nil {
			c.log.Error("parley: registering a skill again failed", "skill", s.Name, "err", err)
		}
	}
}

// onSkillRequest answers on a goroutine of its own: the handler may take
// a while, and the Socket.IO client's event goroutine must not wait.
func (c *Client) onSkillRequest(args []any) {
	if len(args) == 0 {
		return
	}
	ack, ok := args[len(args)-1].(func([]any, error))
	if !ok {
		return
	}
	c.spawn(func() { c.answerSkill(args[0], ack) })
}

func (c *Client) answerSkill(payload any, ack func([]any, error)) {
	req, err := decode[protocol.SkillMessage](payload)
	reply := protocol.SkillMessage{From: req.To, To: req.From, Subject: req.Subject, Type: protocol.SkillReply}
	if err != nil {
		c.log.Warn("parley: undecodable skill request", "err", err)
	} else if ans, err := c.runSkill(req); err != nil {
		c.log.Warn("parley: skill failed", "skill", req.Subject, "err", err)
	} else {
		reply.Content = ans.Content
	}
	reply.CreateTime = time.Now().UnixMilli()
	if out, err := toWire(reply); err == nil {
		ack([]any{out}, nil)
	}
}

func (c *Client) runSkill(req protocol.SkillMessage) (SkillReply, error) {
	c.mu.Lock()
	entry := c.skills[skillKey(req.Subject)]
	c.mu.Unlock()
	if entry == nil {
		return SkillReply{}, fmt.Errorf("no skill %q here", req.Subject)
	}
	return entry.handler(c.ctx, SkillRequest{
		From: req.From, To: req.To, Subject: req.Subject, Content: req.Content, Type: req.Type,
		CreateTime: time.UnixMilli(req.CreateTime), Room: req.Room, Lang: req.Lang, Slots: req.Slots,
	})
}
