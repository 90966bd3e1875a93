package app

import (
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/server"
)

// limiter is a per-user limit of perSecond and burst: this node's own or,
// with PARLEY_REDIS_URL, the cluster's (keys under PARLEY_REDIS_PREFIX),
// decided on this node's own while Redis does not answer.
func (m *Main) limiter(name string, perSecond float64, burst int) rooms.RateLimiter {
	local := rooms.NewLimiter(perSecond, burst, nil)
	if m.redis == nil {
		return local
	}
	return m.redis.limits.Limiter(name, perSecond, burst, local)
}

// limit is limiter as a rooms.Limit; a zero rate or burst takes def's.
func (m *Main) limit(name string, perSecond float64, burst int, def rooms.Rate) rooms.Limit {
	r := rooms.Limit{Rate: rooms.Rate{PerSecond: perSecond, Burst: burst}}.OrDefault(def, nil).Rate
	return rooms.Limit{Rate: r, Limiter: m.limiter(name, r.PerSecond, r.Burst)}
}

// sendLimiter is each user's message:send limit (PARLEY_SEND_RATE and
// PARLEY_SEND_BURST; zero takes the hub's default, as without Redis).
func (m *Main) sendLimiter() rooms.RateLimiter {
	rate, burst := m.cfg.SendRate, m.cfg.SendBurst
	if rate <= 0 {
		rate = rooms.DefaultSendRate
	}
	if burst <= 0 {
		burst = rooms.DefaultSendBurst
	}
	return m.limiter("send", rate, burst)
}

// hubLimits are the hub's per-user budgets of each class of action
// (PARLEY_WRITE_*, PARLEY_READ_*, PARLEY_TYPING_*, PARLEY_ROOM_CREATE_*).
func (m *Main) hubLimits() map[rooms.Class]rooms.Limit {
	c := m.cfg
	return map[rooms.Class]rooms.Limit{
		rooms.ClassWrite:      m.limit("write", c.WriteRate, c.WriteBurst, rooms.DefaultRate(rooms.ClassWrite)),
		rooms.ClassRead:       m.limit("read", c.ReadRate, c.ReadBurst, rooms.DefaultRate(rooms.ClassRead)),
		rooms.ClassTyping:     m.limit("typing", c.TypingRate, c.TypingBurst, rooms.DefaultRate(rooms.ClassTyping)),
		rooms.ClassCreateRoom: m.limit("room_create", c.RoomCreateRate, c.RoomCreateBurst, rooms.DefaultRate(rooms.ClassCreateRoom)),
	}
}

// serverLimits are the transport's limits on logins, registrations,
// service tokens and connections (PARLEY_LOGIN_*, PARLEY_AUTH_IP_*,
// PARLEY_MAX_CONNECTIONS_PER_*, PARLEY_TRUSTED_PROXIES). The connection
// limits are each node's own.
func (m *Main) serverLimits() server.Limits {
	c := m.cfg
	return server.Limits{
		AuthPerIP:          m.limit("auth_ip", c.AuthIPRate, c.AuthIPBurst, server.DefaultAuthPerIP),
		LoginPerAccount:    m.limit("login", c.LoginRate, c.LoginBurst, server.DefaultLoginPerAccount),
		ConnectionsPerUser: c.MaxConnsPerUser,
		ConnectionsPerIP:   c.MaxConnsPerIP,
		TrustedProxies:     c.TrustedProxies,
	}
}
