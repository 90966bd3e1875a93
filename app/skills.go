package app

import (
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/redisskills"
	"github.com/parley-chat/parley/server"
)

// openSkills returns where the assistant finds the skills of service
// clients and where the transport registers them: this node's registry,
// or with Redis the cluster's, so a question asked on any node reaches a
// service connected to any other.
func (m *Main) openSkills(reg *monitoring.Registry) (assistant.Services, server.SkillRegistry) {
	remotes := assistant.NewRemotes(func() int64 { return time.Now().UnixMilli() })
	if m.redis == nil {
		return remotes, remotes
	}
	m.skills = redisskills.New(redisskills.Config{
		Client:  m.redis.client,
		Prefix:  m.cfg.RedisPrefix,
		NodeID:  parley.NewID(), // a restarted node is a new one: its old skills expire
		Local:   remotes,
		TTL:     m.cfg.SkillTTL,
		Logger:  m.log,
		Metrics: reg,
	})
	return m.skills, m.skills
}
