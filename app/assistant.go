package app

import (
	"context"
	"fmt"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/rooms"
)

// openAssistant creates the bot's account on first start, makes it a
// member of every group room, and starts it on the messages this node
// accepts.
func (m *Main) openAssistant(ctx context.Context, filter *rooms.Filter, services assistant.Services, reg *monitoring.Registry) error {
	bot, err := m.ensureBot(ctx)
	if err != nil {
		return err
	}
	m.hub.SetResidents(*bot)
	public, err := m.store.Rooms.Public(ctx)
	if err != nil {
		return fmt.Errorf("list rooms for the assistant: %w", err)
	}
	for _, r := range public {
		if err := m.hub.AddResident(ctx, *bot, r.ID); err != nil {
			return fmt.Errorf("add the assistant to room %s: %w", r.ID, err)
		}
	}
	var model assistant.Model
	if m.cfg.LLMBaseURL != "" {
		model = assistant.NewOpenAI(assistant.OpenAIConfig{BaseURL: m.cfg.LLMBaseURL, APIKey: m.cfg.LLMAPIKey, Model: m.cfg.LLMModel})
		m.log.Info("assistant uses a model", "base_url", m.cfg.LLMBaseURL, "model", m.cfg.LLMModel)
	}
	m.assistant = assistant.New(assistant.Config{
		Store:             m.store,
		Chat:              hubChat{m.hub},
		Bot:               *bot,
		Model:             model,
		Services:          services,
		Limiter:           m.limiter("assistant", m.cfg.AssistantRate, m.cfg.AssistantBurst),
		Mask:              func(s string) string { s, _ = filter.Mask(s); return s },
		Holdback:          filter.LongestPhrase(),
		MaxConcurrent:     m.cfg.LLMConcurrency,
		ModelTimeout:      m.cfg.LLMTimeout,
		FirstTokenTimeout: m.cfg.LLMFirstToken,
		MemoryMessages:    m.cfg.AssistantMemory,
		MaxText:           m.cfg.MaxTextLength,
		Logger:            m.log,
		Metrics:           reg,
	})
	m.hub.OnMessage(func(p rooms.Posted) {
		m.assistant.Notice(assistant.IncomingOf(p.Message, p.Sender, p.Quoted, p.Edited))
	})
	return nil
}

// assistantDisplayName is the assistant account's display name, which
// nobody else may take.
const assistantDisplayName = "Assistant"

// ensureBot returns the assistant's account, creating it the first time.
func (m *Main) ensureBot(ctx context.Context) (*parley.User, error) {
	u, err := m.accounts.EnsureAccount(ctx, m.cfg.AssistantName, assistantDisplayName, parley.KindBot)
	if err != nil {
		return nil, fmt.Errorf("assistant account (PARLEY_ASSISTANT_NAME): %w", err)
	}
	return u, nil
}

// hubChat is the hub as the assistant sees it.
type hubChat struct{ hub *rooms.Hub }

func (c hubChat) Post(ctx context.Context, bot parley.User, roomID, text, streamID string) (string, error) {
	msg, err := c.hub.Post(ctx, bot, rooms.SendRequest{Room: roomID, Text: text, ClientMsgID: "assistant-" + parley.NewID(), StreamID: streamID})
	return msg.ID, err
}

func (c hubChat) Stream(roomID, streamID, delta string, done bool) {
	c.hub.Stream(roomID, streamID, delta, done)
}

func (c hubChat) Typing(ctx context.Context, bot parley.User, roomID string, typing bool) error {
	return c.hub.PostTyping(ctx, bot, roomID, typing)
}

func (c hubChat) Attend(ctx context.Context, bot parley.User, room parley.Room) (bool, error) {
	return c.hub.Attend(ctx, bot, room)
}
