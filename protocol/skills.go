package protocol

// SkillMessage travels between the assistant and a service client: as the
// payload of EventSkillRequest (Type SkillRequest: From, the asker, asks To,
// the service, about Subject, a skill's name) and as the service's answer
// through that event's ack (Type SkillReply, From and To swapped).
type SkillMessage struct {
	From       string            `json:"from"`
	To         string            `json:"to"`
	Subject    string            `json:"subject"`
	Content    string            `json:"content"`
	Type       string            `json:"type"`
	CreateTime int64             `json:"createTime"` // unix ms
	Room       string            `json:"room,omitempty"`
	Lang       string            `json:"lang,omitempty"`
	Slots      map[string]string `json:"slots,omitempty"`
}

// SkillMessage types.
const (
	SkillRequest = "skill.request"
	SkillReply   = "skill.reply"
)
