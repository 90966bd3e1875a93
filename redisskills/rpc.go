package redisskills

import (
	"context"
	"encoding/json"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/protocol"
)

// envelope is what travels on a node's channel: a request for a skill
// offered on that node, or the reply to a request it made.
type envelope struct {
	Kind string `json:"kind"` // kindRequest or kindReply
	ID   string `json:"id"`   // the request's, repeated by its reply
	// From is the node that sent it: where a request's reply goes.
	From string `json:"from"`
	// Timeout (ms) is how long the asker waits: the serving node gives up
	// then too.
	Timeout int64                 `json:"timeout,omitempty"`
	Message protocol.SkillMessage `json:"message"`
	// Error says why a reply carries no answer.
	Error *replyError `json:"error,omitempty"`
}

type replyError struct {
	Code    parley.Code `json:"code"`
	Message string      `json:"message"`
}

const (
	kindRequest = "request"
	kindReply   = "reply"
)

// Bounds on how long a request may wait: without a deadline of its own
// (the assistant always sets one), and at most, whatever a peer says.
const (
	defaultAskTimeout = 5 * time.Second
	maxAskTimeout     = time.Minute
)

// askNodes returns how this node asks a skill offered on nodes: the first
// node that receives the request answers it.
func (c *Cluster) askNodes(nodes []string) assistant.AskFunc {
	return func(ctx context.Context, msg protocol.SkillMessage) (protocol.SkillMessage, error) {
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, defaultAskTimeout)
			defer cancel()
		}
		for _, node := range nodes {
			ans, outcome, err := c.ask(ctx, node, msg)
			if outcome == outcomeGone {
				continue
			}
			c.metrics.forwarded(outcome)
			return ans, err
		}
		c.metrics.forwarded(outcomeGone)
		return protocol.SkillMessage{}, parley.Errorf(parley.CodeUnavailable, "the node offering %s is gone", msg.Subject)
	}
}

// ask sends msg to node and waits for the reply until ctx ends.
func (c *Cluster) ask(ctx context.Context, node string, msg protocol.SkillMessage) (protocol.SkillMessage, string, error) {
	d, _ := ctx.Deadline()
	id := parley.NewID()
	replies := make(chan envelope, 1)
	c.pmu.Lock()
	c.pending[id] = replies
	c.pmu.Unlock()
	defer func() {
		c.pmu.Lock()
		delete(c.pending, id)
		c.pmu.Unlock()
	}()
	req := envelope{Kind: kindRequest, ID: id, From: c.cfg.NodeID, Timeout: time.Until(d).Milliseconds(), Message: msg}
	receivers, err := c.cfg.Client.Publish(ctx, c.keys.channel(node), marshal(req)).Result()
	switch {
	case err != nil:
		return protocol.SkillMessage{}, outcomeError, parley.Wrap(parley.CodeUnavailable, err, "the %s service's node could not be asked", msg.Subject)
	case receivers == 0:
		// Nobody reads that node's channel: the node is gone, though its
		// skills have not expired yet.
		return protocol.SkillMessage{}, outcomeGone, nil
	}
	select {
	case r := <-replies:
		if r.Error != nil {
			return protocol.SkillMessage{}, outcomeFailed, parley.Errorf(r.Error.Code, "%s", r.Error.Message)
		}
		return r.Message, outcomeAnswered, nil
	case <-ctx.Done():
		return protocol.SkillMessage{}, outcomeTimeout, parley.Wrap(parley.CodeUnavailable, ctx.Err(), "the %s service's node did not answer in time", msg.Subject)
	}
}

// listen reads this node's channel until Close: other nodes' requests and
// the replies to this node's. go-redis subscribes again by itself after a
// lost connection; what was published meanwhile is lost, and its askers
// time out.
func (c *Cluster) listen() {
	defer c.wg.Done()
	sub := c.cfg.Client.Subscribe(c.stop, c.keys.channel(c.cfg.NodeID))
	defer sub.Close()
	ch := sub.Channel()
	for {
		select {
		case <-c.stop.Done():
			return
		case msg, ok := <-ch:
			if !ok {
				return
			}
			c.receive(msg)
		}
	}
}

func (c *Cluster) receive(msg *goredis.Message) {
	var env envelope
	if err := json.Unmarshal([]byte(msg.Payload), &env); err != nil || env.ID == "" {
		c.log.Warn("ignoring a malformed skill message", "payload", msg.Payload)
		return
	}
	switch env.Kind {
	case kindReply:
		c.pmu.Lock()
		replies := c.pending[env.ID]
		delete(c.pending, env.ID)
		c.pmu.Unlock()
		if replies != nil {
			replies <- env // buffered; one reply per id
		}
	case kindRequest:
		select {
		case c.serving <- struct{}{}:
		default:
			c.reply(env, protocol.SkillMessage{}, parley.Errorf(parley.CodeUnavailable, "too many skill requests at once"))
			return
		}
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			defer func() { <-c.serving }()
			c.serve(env)
		}()
	}
}

// serve asks the service connected here and replies to the asking node.
func (c *Cluster) serve(req envelope) {
	timeout := min(max(time.Duration(req.Timeout)*time.Millisecond, 0), maxAskTimeout)
	ctx, cancel := context.WithTimeout(c.stop, timeout)
	defer cancel()
	ans, err := c.cfg.Local.Ask(ctx, req.Message)
	c.reply(req, ans, err)
}

func (c *Cluster) reply(req envelope, ans protocol.SkillMessage, err error) {
	out := envelope{Kind: kindReply, ID: req.ID, From: c.cfg.NodeID, Message: ans}
	if err != nil {
		out.Error = &replyError{Code: parley.CodeOf(err), Message: parley.ErrorMessage(err)}
	}
	// Not bounded by the request's context: an answer that came just in
	// time must still be sent.
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.OpTimeout)
	defer cancel()
	if err := c.cfg.Client.Publish(ctx, c.keys.channel(req.From), marshal(out)).Err(); err != nil {
		c.log.Warn("skill reply not sent: the asker times out", "skill", req.Message.Subject, "err", err)
	}
}
