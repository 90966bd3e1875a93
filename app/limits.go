package app

import "github.com/parley-chat/parley/rooms"

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
