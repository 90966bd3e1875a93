package monitoringtest

import (
	"fmt"
	"sort"
	"strings"
)

// notMetrics are the PromQL keywords that look like identifiers and are
// not followed by "(": set and comparison operators, modifiers, numbers.
var notMetrics = map[string]bool{
	"and": true, "or": true, "unless": true, "bool": true, "offset": true, "atan2": true,
	"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true,
	"inf": true, "nan": true,
}

// labelLists are the keywords whose "(...)" is a list of label names, not a
// call.
var labelLists = map[string]bool{
	"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true,
}

// aggregations may be followed by a by/without clause before their "(".
var aggregations = map[string]bool{
	"sum": true, "min": true, "max": true, "avg": true, "group": true, "stddev": true, "stdvar": true,
	"count": true, "count_values": true, "bottomk": true, "topk": true, "quantile": true,
	"limitk": true, "limit_ratio": true,
}

// MetricNames returns the metric names expr selects, sorted and without
// duplicates. It is a lexer, not a parser: promtool decides whether expr is
// valid (CheckWithPromtool); this only has to find every vector selector's
// name, which in PromQL is an identifier not followed by "(" outside label
// matchers, strings, ranges and label lists, or a {__name__="..."} matcher.
// A regex on __name__ is refused: its names cannot be checked.
func MetricNames(expr string) ([]string, error) {
	l := &lexer{s: expr, names: map[string]bool{}}
	if err := l.run(); err != nil {
		return nil, fmt.Errorf("%w in %q", err, expr)
	}
	out := make([]string, 0, len(l.names))
	for n := range l.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

type lexer struct {
	s     string
	i     int
	names map[string]bool
}

func (l *lexer) run() error {
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			if _, err := l.str(); err != nil {
				return err
			}
		case c == '#':
			for l.i < len(l.s) && l.s[l.i] != '\n' {
				l.i++
			}
		case c == '{':
			if err := l.matchers(); err != nil {
				return err
			}
		case c == '[':
			end := strings.IndexByte(l.s[l.i:], ']')
			if end < 0 {
				return fmt.Errorf("unclosed [")
			}
			l.i += end + 1
		case c >= '0' && c <= '9' || c == '.':
			// numbers and durations: 0.99, 1e-3, 5m, 0x1f
			for l.i < len(l.s) && (isIdent(l.s[l.i]) || l.s[l.i] == '.') {
				l.i++
			}
		case isIdentStart(c):
			l.ident()
		default:
			l.i++
		}
	}
	return nil
}

func (l *lexer) ident() {
	start := l.i
	for l.i < len(l.s) && isIdent(l.s[l.i]) {
		l.i++
	}
	word := l.s[start:l.i]
	next := l.peek()
	switch {
	case labelLists[strings.ToLower(word)] && next == '(':
		l.i = l.skipSpace(l.i)
		if end := strings.IndexByte(l.s[l.i:], ')'); end >= 0 {
			l.i += end + 1
		}
	case next == '(' || notMetrics[strings.ToLower(word)]:
		// a function or aggregation, or a keyword
	case aggregations[strings.ToLower(word)] && l.nextWordIs("by", "without"):
		// sum by (le) (...)
	default:
		l.names[word] = true
	}
}

// matchers reads a {...} block, picking up a __name__="..." matcher.
func (l *lexer) matchers() error {
	l.i++ // {
	for {
		l.i = l.skipSpace(l.i)
		if l.i >= len(l.s) {
			return fmt.Errorf("unclosed {")
		}
		switch c := l.s[l.i]; {
		case c == '}':
			l.i++
			return nil
		case c == ',':
			l.i++
		case isIdentStart(c):
			start := l.i
			for l.i < len(l.s) && isIdent(l.s[l.i]) {
				l.i++
			}
			label := l.s[start:l.i]
			l.i = l.skipSpace(l.i)
			opStart := l.i
			for l.i < len(l.s) && strings.IndexByte("=!~", l.s[l.i]) >= 0 {
				l.i++
			}
			op := l.s[opStart:l.i]
			l.i = l.skipSpace(l.i)
			value, err := l.str()
			if err != nil {
				return err
			}
			if label == "__name__" {
				if op != "=" {
					return fmt.Errorf("__name__%s matches names that cannot be checked", op)
				}
				l.names[value] = true
			}
		case c == '"' || c == '\'' || c == '`':
			// a quoted metric name inside the braces (Prometheus 3)
			value, err := l.str()
			if err != nil {
				return err
			}
			l.names[value] = true
		default:
			return fmt.Errorf("unexpected %q in label matchers", c)
		}
	}
}

// str reads a quoted string at l.i and returns its content (escapes kept).
func (l *lexer) str() (string, error) {
	if l.i >= len(l.s) {
		return "", fmt.Errorf("string expected")
	}
	q := l.s[l.i]
	if q != '"' && q != '\'' && q != '`' {
		return "", fmt.Errorf("string expected at %q", l.s[l.i:])
	}
	start := l.i + 1
	for j := start; j < len(l.s); j++ {
		switch l.s[j] {
		case '\\':
			if q != '`' {
				j++
			}
		case q:
			l.i = j + 1
			return l.s[start:j], nil
		}
	}
	return "", fmt.Errorf("unclosed string")
}

func (l *lexer) nextWordIs(words ...string) bool {
	j := l.skipSpace(l.i)
	k := j
	for k < len(l.s) && isIdent(l.s[k]) {
		k++
	}
	for _, w := range words {
		if strings.EqualFold(l.s[j:k], w) {
			return true
		}
	}
	return false
}

func (l *lexer) peek() byte {
	if j := l.skipSpace(l.i); j < len(l.s) {
		return l.s[j]
	}
	return 0
}

func (l *lexer) skipSpace(j int) int {
	for j < len(l.s) && strings.IndexByte(" \t\r\n", l.s[j]) >= 0 {
		j++
	}
	return j
}

func isIdentStart(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdent(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }
