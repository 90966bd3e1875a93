package assistant

import (
	"strings"
	"sync"
	"time"
	"unicode"
)

// streamWriter turns a model's deltas into message:stream events: the first
// piece at once, then at most one event per interval. It shows only text
// the sensitive-word filter is done with: up to the end of the last
// complete word, masked as the final message will be.
type streamWriter struct {
	a        *Assistant
	room, id string
	first    func()

	mu      sync.Mutex
	raw     strings.Builder
	sent    int // runes of the text already streamed
	started bool
	pending *time.Timer
	done    bool
}

func (a *Assistant) newStreamWriter(room, id string, first func()) *streamWriter {
	return &streamWriter{a: a, room: room, id: id, first: first}
}

// add takes one delta from the model.
func (w *streamWriter) add(delta string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return
	}
	w.raw.WriteString(delta)
	if !w.started {
		w.started = true
		w.first()
		w.flush(false)
		if w.sent > 0 {
			return
		}
		// A first word still being written waits one interval at most.
	}
	if w.pending == nil {
		w.pending = time.AfterFunc(w.a.cfg.StreamInterval, func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.pending = nil
			if !w.done {
				w.flush(false)
			}
		})
	}
}

// finish streams what is left with done set, if anything was streamed, and
// returns the whole raw text.
func (w *streamWriter) finish() (text string, streamed bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.pending != nil {
		w.pending.Stop()
	}
	if w.sent > 0 {
		w.flush(true)
	}
	w.done = true
	return w.raw.String(), w.sent > 0
}

func (w *streamWriter) flush(final bool) {
	text := []rune(w.a.cfg.Mask(w.raw.String()))
	end := len(text)
	if !final {
		for end > w.sent && isWordRune(text[end-1]) {
			end--
		}
		end = min(end, len(text)-w.a.cfg.Holdback)
	}
	if end <= w.sent && !final {
		return
	}
	w.a.cfg.Chat.Stream(w.room, w.id, string(text[w.sent:end]), final)
	w.sent = end
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '*' }
