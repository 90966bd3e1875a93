package monitoringtest

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

// Family is one metric family of a /metrics exposition.
type Family struct {
	Name string
	Type string // counter, gauge, histogram, summary, untyped
	// Samples are the family's sample lines, "name{labels}" -> value.
	Samples map[string]float64
}

// Observed reports whether the family recorded something: a counter above
// zero, a histogram or summary with a non-zero _count, a gauge with a value.
func (f *Family) Observed() bool {
	for series, v := range f.Samples {
		name, _, _ := strings.Cut(series, "{")
		switch f.Type {
		case "counter":
			if v > 0 {
				return true
			}
		case "histogram", "summary":
			if name == f.Name+"_count" && v > 0 {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// Families are the families of one exposition, by name.
type Families map[string]*Family

// ParseExposition reads the Prometheus text format (what /metrics serves).
func ParseExposition(text string) (Families, error) {
	fams := Families{}
	var cur *Family
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "# TYPE "):
			f := strings.Fields(line)
			if len(f) != 4 {
				return nil, fmt.Errorf("bad TYPE line %q", line)
			}
			cur = &Family{Name: f[2], Type: f[3], Samples: map[string]float64{}}
			fams[cur.Name] = cur
		case strings.HasPrefix(line, "#"):
		default:
			series, value, err := splitSample(line)
			if err != nil {
				return nil, err
			}
			if cur == nil || !strings.HasPrefix(series, cur.Name) {
				return nil, fmt.Errorf("sample %q outside its family", line)
			}
			cur.Samples[series] = value
		}
	}
	return fams, sc.Err()
}

// splitSample splits `name{labels} value [timestamp]`; label values may
// hold spaces and escaped quotes.
func splitSample(line string) (string, float64, error) {
	end := strings.IndexAny(line, " {")
	if end < 0 {
		return "", 0, fmt.Errorf("bad sample %q", line)
	}
	if line[end] == '{' {
		inQuote := false
		for j := end; j < len(line); j++ {
			switch {
			case line[j] == '\\' && inQuote:
				j++
			case line[j] == '"':
				inQuote = !inQuote
			case line[j] == '}' && !inQuote:
				end = j + 1
				j = len(line)
			}
		}
	}
	fields := strings.Fields(line[end:])
	if len(fields) == 0 {
		return "", 0, fmt.Errorf("sample %q has no value", line)
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return "", 0, fmt.Errorf("sample %q: %w", line, err)
	}
	return line[:end], v, nil
}

// Resolve returns the family a series name belongs to: the family of that
// name, or for name_bucket, name_sum and name_count the histogram or
// summary it is part of.
func (fams Families) Resolve(series string) (*Family, bool) {
	if f, ok := fams[series]; ok {
		return f, true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		base, found := strings.CutSuffix(series, suffix)
		if !found {
			continue
		}
		if f, ok := fams[base]; ok && (f.Type == "histogram" || f.Type == "summary" && suffix != "_bucket") {
			return f, true
		}
	}
	return nil, false
}
