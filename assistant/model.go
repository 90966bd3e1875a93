package assistant

import (
	"context"
	"errors"
	"time"

	"github.com/sony/gobreaker/v2"
)

// errNoFirstToken is the cause of a reply cancelled because the model sent
// nothing within FirstTokenTimeout.
var errNoFirstToken = errors.New("the model sent nothing in time")

// askModel answers req with the model, streaming into the room, off the
// worker: a slow model holds a slot of MaxConcurrent, never a worker. With
// every slot taken the asker is told at once.
func (a *Assistant) askModel(req *Request) {
	if a.spawn(a.models, func() { a.modelReply(req) }) {
		return
	}
	a.metrics.llm.WithLabelValues(outcomeRejected).Inc()
	a.metrics.requests.WithLabelValues("degraded").Inc()
	a.busy(req)
}

func (a *Assistant) modelReply(req *Request) {
	ctx, cancel := context.WithTimeout(a.stop, a.cfg.ModelTimeout+requestTimeout)
	defer cancel()
	room, bot := req.Room.ID, a.cfg.Bot
	if err := a.cfg.Chat.Typing(ctx, bot, room, true); err != nil {
		a.log.Debug("assistant: typing", "room", room, "err", err)
	}
	defer func() { _ = a.cfg.Chat.Typing(ctx, bot, room, false) }()

	w := a.newStreamWriter(room, a.cfg.NewID(), func() { a.metrics.firstToken.Observe(since(req.Msg.At)) })
	mem, err := a.cfg.Store.Memories.Get(ctx, room)
	var prompt []PromptMessage
	if err == nil {
		prompt, err = a.prompt(ctx, req, mem)
	}
	var usage Usage
	outcome := outcomeError
	if err != nil {
		a.log.Error("assistant: build prompt", "room", room, "err", err)
	} else {
		usage, err = a.breaker.Execute(func() (Usage, error) { return a.stream(ctx, prompt, w.add) })
		outcome = a.outcome(err)
		a.metrics.llm.WithLabelValues(outcome).Inc()
		a.metrics.usage(usage)
	}
	text, streamed := w.finish()
	route := "model"
	switch {
	case err == nil && text != "":
	case text == "" || !streamed:
		// Nothing usable came: the built-in answer, said to be one.
		if err != nil {
			a.log.Warn("assistant: model failed", "outcome", outcome, "err", err)
		}
		route = "degraded"
		text = say(req.Lang, "degraded") + "\n" + say(req.Lang, "unknown")
	default:
		a.log.Warn("assistant: model stopped mid-reply", "outcome", outcome, "err", err)
		text += "\n\n" + say(req.Lang, "cut")
	}
	a.metrics.requests.WithLabelValues(route).Inc()
	streamID := ""
	if streamed {
		streamID = w.id
	}
	a.answer(ctx, req, text, streamID)
}

// stream runs one model request under the reply and first-token timeouts.
func (a *Assistant) stream(ctx context.Context, prompt []PromptMessage, onDelta func(string)) (Usage, error) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.ModelTimeout)
	defer cancel()
	ctx, cancelCause := context.WithCancelCause(ctx)
	defer cancelCause(nil)
	first := time.AfterFunc(a.cfg.FirstTokenTimeout, func() { cancelCause(errNoFirstToken) })
	defer first.Stop()
	// Any chunk stops the first-token clock, even one without text:
	// reasoning models think for a while before they write.
	usage, err := a.cfg.Model.Stream(ctx, prompt, func(d string) {
		first.Stop()
		if d != "" {
			onDelta(d)
		}
	})
	if err != nil && ctx.Err() != nil {
		err = errors.Join(context.Cause(ctx), err)
	}
	return usage, err
}

func (a *Assistant) outcome(err error) string {
	switch {
	case err == nil:
		return outcomeOK
	case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests):
		return outcomeRejected
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, errNoFirstToken):
		return outcomeTimeout
	}
	return outcomeError
}
