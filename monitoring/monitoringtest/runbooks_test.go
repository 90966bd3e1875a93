package monitoringtest

import (
	"os"
	"reflect"
	"testing"
)

// Every alert of monitoring/prometheus/rules carries a summary, a
// description and a runbook_url whose section exists in docs/operations.md.
func TestEveryAlertHasItsRunbook(t *testing.T) {
	rules, err := ReadRules("../prometheus/rules/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(rules.Alerts) == 0 {
		t.Fatal("no alerts read")
	}
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range CheckAlerts(rules.Alerts, string(doc)) {
		t.Error(p)
	}
}

func TestGitHubAnchors(t *testing.T) {
	doc := "# Operating Parley: metrics, dashboards, alerts\n" +
		"## Alerts and runbooks\n" +
		"### ParleyAckLatencyHigh\n" +
		"### Recording rules (`monitoring/prometheus/rules/parley-recording.yml`)\n" +
		"## HTTP timeouts and security headers\n" +
		"## [When Redis fails](scaling.md#when-redis-fails)\n" +
		"#### snake_case & co.\n" +
		"### Checks\n### Checks\n" +
		"```\n# not a heading\n```\n" +
		"#no space, not a heading\n"
	want := map[string]bool{
		"operating-parley-metrics-dashboards-alerts":                   true,
		"alerts-and-runbooks":                                          true,
		"parleyacklatencyhigh":                                         true,
		"recording-rules-monitoringprometheusrulesparley-recordingyml": true,
		"http-timeouts-and-security-headers":                           true,
		"when-redis-fails":                                             true,
		"snake_case--co":                                               true,
		"checks":                                                       true,
		"checks-1":                                                     true,
	}
	if got := GitHubAnchors(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("anchors %v\nwant %v", got, want)
	}
}

func TestCheckAlertsNamesWhatIsMissing(t *testing.T) {
	doc := "## Runbooks\n### ParleyX\n"
	alerts := []Alert{
		{Name: "ParleyX", Where: "a.yml alert ParleyX", Annotations: map[string]string{
			"summary": "s", "description": "d", "runbook_url": RunbookBase + "parleyx"}},
		{Name: "ParleyY", Where: "a.yml alert ParleyY", Annotations: map[string]string{
			"summary": "s", "runbook_url": RunbookBase + "parleyy"}},
		{Name: "ParleyZ", Where: "a.yml alert ParleyZ", Annotations: map[string]string{
			"summary": "s", "description": "d", "runbook": "docs/operations.md#parleyx", "runbook_url": "docs/operations.md#parleyx"}},
	}
	want := []string{
		"a.yml alert ParleyY has no description annotation",
		`a.yml alert ParleyY: runbook_url "` + RunbookBase + `parleyy" names no heading of docs/operations.md`,
		`a.yml alert ParleyZ: runbook_url "docs/operations.md#parleyx" is not under ` + RunbookBase,
	}
	if got := CheckAlerts(alerts, doc); !reflect.DeepEqual(got, want) {
		t.Errorf("problems %q\nwant %q", got, want)
	}
}
