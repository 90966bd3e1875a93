package main

import (
	"testing"
	"time"
)

// The JavaScript service's answers for the same questions (computed with
// examples/weather-service/forecast.js): both services give the same
// forecasts.
func TestForecastTwinsTheJavaScriptService(t *testing.T) {
	for _, tc := range []struct{ city, lang, date, want string }{
		{"Paris", "en", "2026-01-02T10:00:00Z", "Paris: sunny, -22°C (demo data)"},
		{"paris", "en", "2026-01-02T23:59:59Z", "paris: sunny, -22°C (demo data)"},
		{"  New   York ", "en", "2026-07-15T00:00:00Z", "New York: light rain, -1°C (demo data)"},
		{"北京", "zh", "2026-03-03T12:00:00Z", "北京：阴，1°C（演示数据）"},
		{"Tokyo", "zh", "2025-12-31T23:00:00Z", "Tokyo：晴，-20°C（演示数据）"},
		{"Zürich", "en", "2026-05-05T05:05:05Z", "Zürich: light rain, 15°C (demo data)"},
		{"Reykjavík", "fr", "2026-02-28T00:00:00Z", "Reykjavík: sunny, 26°C (demo data)"},
		{"São Paulo", "en", "2026-12-02T06:00:00Z", "São Paulo: overcast, 18°C (demo data)"},
		{"Oslo", "en", "2026-12-02T06:00:00Z", "Oslo: windy, 24°C (demo data)"},
		{"Cairo", "en", "2026-12-02T06:00:00Z", "Cairo: overcast, -19°C (demo data)"},
	} {
		date, err := time.Parse(time.RFC3339, tc.date)
		if err != nil {
			t.Fatal(err)
		}
		if got := forecast(tc.city, tc.lang, date); got != tc.want {
			t.Errorf("forecast(%q, %q, %s) = %q, want %q", tc.city, tc.lang, tc.date, got, tc.want)
		}
	}
}

func TestForecastIsPerUTCDay(t *testing.T) {
	la := time.FixedZone("UTC-8", -8*3600)
	evening := time.Date(2026, 1, 1, 18, 0, 0, 0, la) // 2026-01-02 in UTC
	if got, want := forecast("Paris", "en", evening), "Paris: sunny, -22°C (demo data)"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
