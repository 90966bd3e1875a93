package main

import (
	"context"
	"time"

	parleyclient "github.com/parley-chat/parley/client"
)

// weatherSkill is what the service offers: `@assistant weather Paris`,
// `@assistant 天气 北京`; the assistant asks for the city when it is left out.
func weatherSkill() parleyclient.Skill {
	return parleyclient.Skill{
		Name:        "weather",
		Aliases:     []string{"天气", "forecast"},
		Description: map[string]string{"en": "the weather in a city (demo data)", "zh": "城市天气（演示数据）"},
		Slots:       []parleyclient.Slot{{Name: "city", Label: map[string]string{"en": "city", "zh": "城市"}}},
	}
}

// answer gives the forecast for the requested city, or asks for one.
func answer(_ context.Context, req parleyclient.SkillRequest) (parleyclient.SkillReply, error) {
	city := req.Slots["city"]
	if city == "" {
		city = req.Content
	}
	if city == "" {
		return parleyclient.SkillReply{Content: "Which city?"}, nil
	}
	return parleyclient.SkillReply{Content: forecast(city, req.Lang, time.Now())}, nil
}
