package assistant

import (
	"context"
	"net/http"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// OpenAI is a Model speaking the OpenAI Chat Completions protocol with
// streaming: OpenAI itself, DeepSeek, Qwen's compatible mode, Ollama, vLLM,
// the llama.cpp server, chosen by base URL.
type OpenAI struct {
	client openai.Client
	model  string
}

var _ Model = (*OpenAI)(nil)

// OpenAIConfig names the endpoint. APIKey may be empty for local servers.
type OpenAIConfig struct {
	BaseURL string
	APIKey  string
	Model   string
	// HTTPClient is for tests (default http.DefaultClient).
	HTTPClient *http.Client
}

// NewOpenAI builds the client. It reads no environment variables of its
// own: everything comes from cfg. Retries are off: the assistant's breaker
// and degraded reply handle a failing model, and a retried stream would
// repeat text already shown.
func NewOpenAI(cfg OpenAIConfig) *OpenAI {
	opts := []option.RequestOption{
		option.WithBaseURL(cfg.BaseURL),
		option.WithAPIKey(cfg.APIKey),
		option.WithMaxRetries(0),
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, option.WithHTTPClient(cfg.HTTPClient))
	}
	return &OpenAI{client: openai.NewClient(opts...), model: cfg.Model}
}

// Stream sends prompt and relays the answer's text as it arrives.
func (o *OpenAI) Stream(ctx context.Context, prompt []PromptMessage, onDelta func(string)) (Usage, error) {
	msgs := make([]openai.ChatCompletionMessageParamUnion, 0, len(prompt))
	for _, m := range prompt {
		switch m.Role {
		case "system":
			msgs = append(msgs, openai.SystemMessage(m.Content))
		case "assistant":
			msgs = append(msgs, openai.AssistantMessage(m.Content))
		default:
			msgs = append(msgs, openai.UserMessage(m.Content))
		}
	}
	stream := o.client.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
		Model:         openai.ChatModel(o.model),
		Messages:      msgs,
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	})
	defer stream.Close()
	var u Usage
	for stream.Next() {
		chunk := stream.Current()
		text := ""
		for _, c := range chunk.Choices {
			if c.Index == 0 {
				text += c.Delta.Content
			}
		}
		onDelta(text) // "" too: the model is alive (reasoning, or usage)
		if chunk.Usage.TotalTokens > 0 {
			u = Usage{PromptTokens: chunk.Usage.PromptTokens, CompletionTokens: chunk.Usage.CompletionTokens}
		}
	}
	return u, stream.Err()
}
