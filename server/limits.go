package server

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/rooms"
)

// Limits are the transport's own limits: on what anyone may ask without an
// account, and on connections. The per-user limits of what an account
// does are the hub's (rooms.Class).
type Limits struct {
	// AuthPerIP bounds register, login and service-token requests per
	// client IP, each of which costs a bcrypt (DefaultAuthPerIP).
	AuthPerIP rooms.Limit
	// LoginPerAccount bounds login attempts per username and service-token
	// requests per app id, which slows password guessing
	// (DefaultLoginPerAccount).
	LoginPerAccount rooms.Limit
	// ConnectionsPerUser and ConnectionsPerIP bound the sockets open on
	// this node per account and per client IP; zero is no limit.
	ConnectionsPerUser int
	ConnectionsPerIP   int
	// TrustedProxies are the addresses whose X-Forwarded-For is believed
	// when telling a client's IP; from anyone else, the connection's own
	// address is the client's.
	TrustedProxies []*net.IPNet
}

// The budgets a zero Limits field takes.
var (
	DefaultAuthPerIP       = rooms.Rate{PerSecond: 1, Burst: 30}
	DefaultLoginPerAccount = rooms.Rate{PerSecond: 0.05, Burst: 10}
)

// maxLimitKey bounds an account name used as a limit's key: the names
// tried may be anything, and a key may live in Redis.
const maxLimitKey = 64

// ipExtractor tells a request's client IP: the address of the connection,
// or, from a trusted proxy, the last address in X-Forwarded-For that is
// not a trusted proxy's.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// socketIP is the client IP of a socket's handshake, told as for a REST
// request.
func (s *Server) socketIP(sock *socket.Socket) string {
	hs := sock.Handshake()
	return s.echo.IPExtractor(&http.Request{RemoteAddr: hs.Address, Header: hs.Headers.Header()})
}

// checkAuthIP spends one unit of the client IP's budget of unauthenticated
// requests.
func (s *Server) checkAuthIP(c echo.Context) error {
	if err := s.limits.AuthPerIP.Check(c.Request().Context(), c.RealIP(), "too many attempts from your address; try again later"); err != nil {
		s.refused.WithLabelValues(refusedAuthIP).Inc()
		return err
	}
	return nil
}

// checkAccount spends one unit of an account name's budget of attempts.
func (s *Server) checkAccount(ctx context.Context, kind, name string) error {
	key := kind + ":" + strings.ToLower(strings.TrimSpace(name))
	if len(key) > maxLimitKey {
		key = key[:maxLimitKey]
	}
	if err := s.limits.LoginPerAccount.Check(ctx, key, "too many attempts for this account; try again later"); err != nil {
		s.refused.WithLabelValues(refusedAccount).Inc()
		return err
	}
	return nil
}

// Values of parley_limit_refusals_total's label.
const (
	refusedAuthIP    = "auth_ip"
	refusedAccount   = "login_account"
	refusedConnsUser = "connections_user"
	refusedConnsIP   = "connections_ip"
)

// connCounts counts this node's sockets per user and per client IP, from
// the handshake that admitted one until its socket or connection closes.
type connCounts struct {
	perUser, perIP int

	mu    sync.Mutex
	users map[string]int
	ips   map[string]int
}

func newConnCounts(perUser, perIP int) *connCounts {
	return &connCounts{perUser: perUser, perIP: perIP, users: map[string]int{}, ips: map[string]int{}}
}

// acquire counts one more socket of userID from ip, or returns the label
// of the limit it would pass. release uncounts it; calling it again does
// nothing.
func (c *connCounts) acquire(userID, ip string) (release func(), refused string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.perUser > 0 && c.users[userID] >= c.perUser {
		return nil, refusedConnsUser
	}
	if c.perIP > 0 && c.ips[ip] >= c.perIP {
		return nil, refusedConnsIP
	}
	c.users[userID]++
	c.ips[ip]++
	var once sync.Once
	return func() { once.Do(func() { c.release(userID, ip) }) }, ""
}

func (c *connCounts) release(userID, ip string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.users[userID]--; c.users[userID] <= 0 {
		delete(c.users, userID)
	}
	if c.ips[ip]--; c.ips[ip] <= 0 {
		delete(c.ips, ip)
	}
}

// admit counts an authenticated socket against the connection limits, or
// returns the connect_error that refuses it. The count is released when
// the socket disconnects or, for one that never connects (closed during
// the handshake, or refused later), when its connection closes.
func (s *Server) admit(sock *socket.Socket, user parley.User) *socket.ExtendedError {
	release, refused := s.conns.acquire(user.ID, s.socketIP(sock))
	if refused != "" {
		s.refused.WithLabelValues(refused).Inc()
		s.sockets.connects.WithLabelValues(connectLimited).Inc()
		return socket.NewExtendedError("too many connections", map[string]any{"code": string(parley.CodeRateLimited)})
	}
	conn := sock.Conn()
	_ = conn.Once("close", func(...any) { release() })
	_ = sock.On("disconnect", func(...any) { release() })
	if conn.ReadyState() == "closed" { // it closed before the listener was added
		release()
	}
	return nil
}
