package monitoringtest

import (
	"fmt"
	"regexp"
	"strings"
)

// RunbookBase is where the runbook_url of every alert points: the runbooks
// of docs/operations.md as GitHub renders them, so a notification's link
// opens the section.
const RunbookBase = "https://github.com/parley-chat/parley/blob/main/docs/operations.md#"

// RequiredAnnotations are what every alert carries: a one-line summary, a
// description with the values that fired it, the runbook's link.
var RequiredAnnotations = []string{"summary", "description", "runbook_url"}

var (
	headingRe    = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)
	notAnchorRe  = regexp.MustCompile(`[^\p{L}\p{N}\- _]`)
	markdownLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

// GitHubAnchors are the anchors GitHub gives the headings of a Markdown
// document: the heading's text (a link's text, not its target), lower-case,
// every character but letters, digits, '-', '_' and spaces dropped, spaces
// made '-'; a repeated anchor gets -1, -2... Headings inside fenced code
// blocks are not headings.
func GitHubAnchors(markdown string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	fenced := false
	for _, line := range strings.Split(markdown, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		m := headingRe.FindStringSubmatch(line)
		if fenced || m == nil {
			continue
		}
		text := markdownLink.ReplaceAllString(m[1], "$1")
		a := strings.ReplaceAll(notAnchorRe.ReplaceAllString(strings.ToLower(text), ""), " ", "-")
		if n := seen[a]; n > 0 {
			anchors[fmt.Sprintf("%s-%d", a, n)] = true
		} else {
			anchors[a] = true
		}
		seen[a]++
	}
	return anchors
}

// CheckAlerts returns what is wrong with the alerts' annotations: a missing
// or empty one of RequiredAnnotations, a runbook_url outside RunbookBase, or
// one whose anchor is not a heading of the runbooks document (its Markdown).
func CheckAlerts(alerts []Alert, runbooks string) []string {
	anchors := GitHubAnchors(runbooks)
	var problems []string
	for _, a := range alerts {
		for _, k := range RequiredAnnotations {
			if strings.TrimSpace(a.Annotations[k]) == "" {
				problems = append(problems, fmt.Sprintf("%s has no %s annotation", a.Where, k))
			}
		}
		url := a.Annotations["runbook_url"]
		switch anchor, ok := strings.CutPrefix(url, RunbookBase); {
		case url == "":
		case !ok:
			problems = append(problems, fmt.Sprintf("%s: runbook_url %q is not under %s", a.Where, url, RunbookBase))
		case !anchors[anchor]:
			problems = append(problems, fmt.Sprintf("%s: runbook_url %q names no heading of docs/operations.md", a.Where, url))
		}
	}
	return problems
}
