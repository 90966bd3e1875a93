package assistant

import "fmt"

// texts are the built-in responder's words, by language.
var texts = map[string]map[string]string{
	"en": {
		"help": "I'm %s, this room's assistant. Mention me (or write to me directly) with:\n" +
			"- `help` — this list\n" +
			"- `learn <question> => <answer>` — teach me an answer (I ask you to confirm)\n" +
			"- `forget <question>` — make me forget it\n" +
			"- `summary` — who said what here lately\n" +
			"- `time` — the current time\n" +
			"%s" +
			"Anything else I answer from what I was taught%s.",
		"help.skill":     "- `%s` — %s\n",
		"help.model":     ", or with the language model",
		"ask":            "Yes? What would you like to ask?",
		"learn.ask":      "What should I learn? Write it as `question => answer`.",
		"learn.bad":      "I need it as `question => answer`, for example `learn wifi password => ask the front desk`.",
		"learn.confirm":  "Shall I remember that the answer to “%s” is “%s”? (yes/no)",
		"learn.done":     "Learned: “%s”.",
		"learn.cancel":   "OK, I won't remember that.",
		"forget.done":    "Forgotten: “%s”.",
		"forget.none":    "Nobody taught me “%s” in this room.",
		"unknown":        "I don't know that yet. Teach me with `learn <question> => <answer>`, or say `help`.",
		"time":           "It is %s (UTC).",
		"summary.empty":  "Nothing has been said here yet.",
		"summary.head":   "The last %d messages here:",
		"summary.who":    "Who: %s.",
		"summary.words":  "Most mentioned: %s.",
		"summary.quotes": "Highlights:",
		"slot":           "Which %s?",
		"skill.failed":   "The %s service did not answer in time; try again in a moment.",
		"degraded":       "(The language model is unavailable right now, so this is my built-in answer.)",
		"cut":            "(My answer was cut short: the language model stopped responding.)",
		"busy":           "I'm answering many questions at once; give me a moment and ask again.",
		"limited":        "You're asking me questions too fast; wait a little and ask again.",
		"dialogues.full": "Too many conversations with me are open in this room; finish one and try again.",
		"list.sep":       ", ",
		"count":          "%s (%d)",
	},
	"zh": {
		"help": "我是%s，本房间的助手。提及我（或私聊我）并输入：\n" +
			"- `帮助` — 显示本列表\n" +
			"- `学习 <问题> => <答案>` — 教我一个答案（我会请你确认）\n" +
			"- `忘记 <问题>` — 让我忘掉它\n" +
			"- `总结` — 最近谁说了什么\n" +
			"- `时间` — 现在的时间\n" +
			"%s" +
			"其他问题我会用学到的知识回答%s。",
		"help.skill":     "- `%s` — %s\n",
		"help.model":     "，或交给语言模型",
		"ask":            "我在，你想问什么？",
		"learn.ask":      "要我学什么？请写成 `问题 => 答案`。",
		"learn.bad":      "请写成 `问题 => 答案`，例如 `学习 无线密码 => 问前台`。",
		"learn.confirm":  "要我记住“%s”的答案是“%s”吗？（是/否）",
		"learn.done":     "学会了：“%s”。",
		"learn.cancel":   "好的，不记了。",
		"forget.done":    "已忘记：“%s”。",
		"forget.none":    "本房间没有人教过我“%s”。",
		"unknown":        "我还不知道。用 `学习 <问题> => <答案>` 教我，或者说 `帮助`。",
		"time":           "现在是 %s（UTC）。",
		"summary.empty":  "这里还没有人说话。",
		"summary.head":   "本房间最近 %d 条消息：",
		"summary.who":    "发言：%s。",
		"summary.words":  "高频词：%s。",
		"summary.quotes": "摘录：",
		"slot":           "哪个%s？",
		"skill.failed":   "%s 服务没有及时回应，请稍后再试。",
		"degraded":       "（语言模型暂时不可用，以下是我的内置回答。）",
		"cut":            "（回答被截断：语言模型停止了响应。）",
		"busy":           "我正在同时回答很多问题，请稍后再问。",
		"limited":        "你提问太快了，请稍等再问。",
		"dialogues.full": "本房间与我进行中的对话太多了，请先结束一个再试。",
		"list.sep":       "、",
		"count":          "%s（%d）",
	},
}

// say formats the text key in lang (English when lang has no such text).
func say(lang, key string, args ...any) string {
	t, ok := texts[lang][key]
	if !ok {
		t = texts["en"][key]
	}
	if len(args) == 0 {
		return t
	}
	return fmt.Sprintf(t, args...)
}
