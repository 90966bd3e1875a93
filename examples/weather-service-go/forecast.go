package main

import (
	"fmt"
	"strings"
	"time"
)

// skies are the demo weathers, in English and Chinese.
func skies() [5][2]string {
	return [5][2]string{
		{"sunny", "晴"},
		{"partly cloudy", "多云"},
		{"overcast", "阴"},
		{"light rain", "小雨"},
		{"windy", "有风"},
	}
}

// hash is the JavaScript twin's FNV-1a over code points, in uint32
// arithmetic as its Math.imul(...) >>> 0 is.
func hash(s string) uint32 {
	h := uint32(2166136261)
	for _, r := range s {
		h ^= uint32(r)
		h *= 16777619
	}
	return h
}

// forecast returns demo data, deterministic per city and (UTC) day so the
// example runs offline: forecast("Paris", "en", t) is "Paris: sunny, 18°C
// (demo data)". It gives what examples/weather-service/forecast.js gives
// for the same input; a real service would call a weather API.
func forecast(city, lang string, date time.Time) string {
	name := strings.Join(strings.Fields(city), " ")
	h := hash(strings.ToLower(name) + date.UTC().Format("2006-01-02"))
	sky := skies()[h%5]
	// JavaScript's >> works on the int32 of h: the sign carries over.
	temp := int32(h)>>8%30 - 2
	if lang == "zh" {
		return fmt.Sprintf("%s：%s，%d°C（演示数据）", name, sky[1], temp)
	}
	return fmt.Sprintf("%s: %s, %d°C (demo data)", name, sky[0], temp)
}
