package assistant

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/parley-chat/parley"
)

// summaryWindow is how many recent messages a summary covers.
const summaryWindow = 200

// stopWords are left out of "most mentioned".
var stopWords = set("the", "and", "for", "that", "this", "with", "you", "are", "was", "have", "has",
	"not", "but", "what", "can", "will", "just", "your", "from", "they", "there", "about", "would",
	"its", "it's", "i'm", "all", "our", "how", "when", "who", "why", "yes", "she", "him", "her",
	"的", "了", "是", "我", "你", "他", "她", "们", "在", "也", "就", "都", "吗", "吧", "呢", "啊")

// summary describes the room's recent activity: who said how much, the
// words that came up most, and the messages that carry most of them
// (extractive: quoted, never rewritten).
func (a *Assistant) summary(ctx context.Context, req *Request) (string, error) {
	msgs, _, err := a.cfg.Store.Messages.History(ctx, req.Room.ID, 0, summaryWindow)
	if err != nil {
		return "", err
	}
	var said []parley.Message
	for _, m := range msgs {
		if m.Deleted || m.SenderID == a.cfg.Bot.ID || m.ID == req.Msg.ID || Mentions(m.Text, a.cfg.Bot.Username) {
			continue
		}
		said = append(said, m)
	}
	if len(said) == 0 {
		return say(req.Lang, "summary.empty"), nil
	}
	counts := map[string]int{}
	freq := map[string]int{}
	for _, m := range said {
		counts[m.SenderID]++
		for _, w := range words(m.Text) {
			freq[w]++
		}
	}
	names, err := a.names(ctx, counts)
	if err != nil {
		return "", err
	}
	var who []string
	for _, id := range topKeys(counts, 5) {
		who = append(who, say(req.Lang, "count", names[id], counts[id]))
	}
	lines := []string{
		say(req.Lang, "summary.head", len(said)),
		say(req.Lang, "summary.who", strings.Join(who, say(req.Lang, "list.sep"))),
	}
	top := topKeys(freq, 5)
	if len(top) > 0 && freq[top[0]] > 1 {
		lines = append(lines, say(req.Lang, "summary.words", strings.Join(top, say(req.Lang, "list.sep"))))
	}
	if quotes := highlights(said, freq, names, 3); len(quotes) > 0 {
		lines = append(lines, say(req.Lang, "summary.quotes"))
		lines = append(lines, quotes...)
	}
	return strings.Join(lines, "\n"), nil
}

func (a *Assistant) names(ctx context.Context, counts map[string]int) (map[string]string, error) {
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	users, err := a.cfg.Store.Users.ByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = u.Username
	}
	for _, id := range ids {
		if names[id] == "" {
			names[id] = "?"
		}
	}
	return names, nil
}

// words splits text into lower-case words of three letters or more, and
// Chinese text into two-character words, leaving out stop words and
// mentions.
func words(text string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '@' && r != '\''
	}) {
		if strings.HasPrefix(f, "@") {
			continue
		}
		r := []rune(f)
		if language(f) == "zh" {
			for i := 0; i+1 < len(r); i++ {
				if w := string(r[i : i+2]); !stopWords[string(r[i])] && !stopWords[string(r[i+1])] {
					out = append(out, w)
				}
			}
			continue
		}
		if len(r) >= 3 && !stopWords[f] {
			out = append(out, f)
		}
	}
	return out
}

// highlights picks the n messages whose words are most frequent in the
// room, in the order they were said.
func highlights(msgs []parley.Message, freq map[string]int, names map[string]string, n int) []string {
	type scored struct {
		i     int
		score float64
	}
	var ss []scored
	for i, m := range msgs {
		ws := words(m.Text)
		if len(ws) == 0 {
			continue
		}
		total := 0
		for _, w := range ws {
			total += freq[w]
		}
		ss = append(ss, scored{i, float64(total) / float64(len(ws)+2)})
	}
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].score > ss[j].score })
	if len(ss) > n {
		ss = ss[:n]
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i].i < ss[j].i })
	out := make([]string, len(ss))
	for k, s := range ss {
		m := msgs[s.i]
		text := []rune(strings.Join(strings.Fields(m.Text), " "))
		if len(text) > 140 {
			text = append(text[:139], '…')
		}
		out[k] = fmt.Sprintf("> %s: %s", names[m.SenderID], string(text))
	}
	return out
}

// topKeys returns up to n keys with the highest counts, ties by key.
func topKeys(m map[string]int, n int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(keys) > n {
		keys = keys[:n]
	}
	return keys
}
