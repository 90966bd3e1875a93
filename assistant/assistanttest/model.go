// Package assistanttest stands in for a paid model API in tests and
// benchmarks: a local HTTP server speaking the OpenAI Chat Completions
// streaming protocol (server-sent events, then [DONE]).
package assistanttest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"
)

// Behaviour is how the model answers the next requests.
type Behaviour struct {
	// Chunks are the pieces of every answer, sent Gap apart after
	// FirstGap.
	Chunks   []string
	Gap      time.Duration
	FirstGap time.Duration
	// Status other than 0 or 200 fails every request with it.
	Status int
	// Hang never answers: the client must give up.
	Hang bool
}

// Request is what the model was asked.
type Request struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
}

// Model is the server. Its base URL for clients is URL + "/v1".
type Model struct {
	*httptest.Server
	calls atomic.Int64

	mu       sync.Mutex
	b        Behaviour
	requests []Request
	ttft     []time.Duration
}

// NewModel starts a model that answers with chunks, 5 ms apart. Close it
// when done.
func NewModel(chunks ...string) *Model {
	m := &Model{b: Behaviour{Chunks: chunks, Gap: 5 * time.Millisecond}}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	return m
}

// Set changes the behaviour for the next requests.
func (m *Model) Set(fn func(*Behaviour)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fn(&m.b)
}

// Calls counts the requests received, good or bad.
func (m *Model) Calls() int64 { return m.calls.Load() }

// Requests returns what the model was asked, in order.
func (m *Model) Requests() []Request {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Request(nil), m.requests...)
}

// TTFT returns, per answered request, the model's own time to first token:
// from the request's arrival to the first chunk written.
func (m *Model) TTFT() []time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]time.Duration(nil), m.ttft...)
}

func (m *Model) serve(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	m.calls.Add(1)
	var req Request
	if r.URL.Path != "/v1/chat/completions" || json.NewDecoder(r.Body).Decode(&req) != nil {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	m.mu.Lock()
	m.requests = append(m.requests, req)
	b := m.b
	m.mu.Unlock()
	if b.Hang {
		<-r.Context().Done()
		return
	}
	if b.Status != 0 && b.Status != http.StatusOK {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(b.Status)
		_, _ = io.WriteString(w, `{"error":{"message":"the model is down","type":"server_error"}}`)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	fl := w.(http.Flusher)
	time.Sleep(b.FirstGap)
	for i, c := range b.Chunks {
		if i > 0 {
			time.Sleep(b.Gap)
		}
		event(w, map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": c}, "finish_reason": nil}},
		})
		fl.Flush()
		if i == 0 {
			m.mu.Lock()
			m.ttft = append(m.ttft, time.Since(arrived))
			m.mu.Unlock()
		}
	}
	event(w, map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": req.Model, "choices": []any{},
		"usage": map[string]any{"prompt_tokens": 42, "completion_tokens": len(b.Chunks), "total_tokens": 42 + len(b.Chunks)},
	})
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
	fl.Flush()
}

func event(w io.Writer, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(w, "data: %s\n\n", b)
}
