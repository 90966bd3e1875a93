package app

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is everything an operator can set (README.md, "Configuration"). Each field comes
// from an environment variable; a flag of the same name (lower-case, without
// the PARLEY_ prefix, '-' for '_') overrides it.
type Config struct {
	Addr      string
	DataDir   string
	JWTSecret string
	TokenTTL  time.Duration
	// SessionCheck is how often a node ends the sockets whose token expired
	// or was revoked (on any node: it polls the store).
	SessionCheck   time.Duration
	AllowedOrigins []string
	LogLevel       slog.Level
	// LogFormat is text (logfmt-like key=value) or json (one object a
	// line, for a log shipper).
	LogFormat string
	// Build is what the binary says about itself (cmd/parley fills it in).
	Build         Build
	FilterFile    string
	MaxTextLength int
	SendRate      float64
	SendBurst     int
	// The per-user budgets of the hub's other classes of actions (store
	// writes, reads, typing, room creation), the per-account and per-IP
	// budgets of logins, registrations and service tokens, and the
	// connections per user and per IP (limits.go).
	WriteRate       float64
	WriteBurst      int
	ReadRate        float64
	ReadBurst       int
	TypingRate      float64
	TypingBurst     int
	RoomCreateRate  float64
	RoomCreateBurst int
	LoginRate       float64
	LoginBurst      int
	AuthIPRate      float64
	AuthIPBurst     int
	MaxConnsPerUser int
	MaxConnsPerIP   int
	TrustedProxies  []*net.IPNet
	PresenceGrace   time.Duration
	// PresenceNodeTTL is how long a node that stopped heartbeating to
	// Redis still counts its users online.
	PresenceNodeTTL time.Duration
	AssistantName   string
	ShutdownTimeout time.Duration
	BcryptCost      int
	MaxQueuedBytes  int64
	// SyncMaxMessages and MaxAnswerBytes bound one sync answer across
	// rooms, and the messages of one sync or history answer in bytes.
	SyncMaxMessages int
	MaxAnswerBytes  int64
	PingInterval    time.Duration
	PingTimeout     time.Duration
	// MaxUploadBytes bounds one uploaded file; FileURLTTL is how long the
	// signed URL of a file lasts at least (it ends on a whole hour).
	MaxUploadBytes int64
	FileURLTTL     time.Duration
	// HTTPReadTimeout, HTTPWriteTimeout and HTTPIdleTimeout bound a request
	// with its body, a response, and a keep-alive connection between
	// requests (httptimeouts.go). Zero read and write: the ping interval
	// plus a margin.
	HTTPReadTimeout  time.Duration
	HTTPWriteTimeout time.Duration
	HTTPIdleTimeout  time.Duration

	LLMBaseURL      string
	LLMAPIKey       string
	LLMModel        string
	LLMTimeout      time.Duration
	LLMFirstToken   time.Duration
	LLMConcurrency  int
	AssistantRate   float64
	AssistantBurst  int
	AssistantMemory int
	Services        map[string]string // app id -> secret
	// MetricsAddr, when set, serves /metrics there instead of on Addr.
	MetricsAddr string
	// PprofAddr, when set, serves net/http/pprof there (off by default).
	PprofAddr     string
	MongoURI      string
	MongoDatabase string
	RedisURL      string
	RedisPrefix   string
	// SkillTTL is how long, in a cluster, the skills offered on a node
	// outlive its last heartbeat.
	SkillTTL time.Duration
	// RedisAdapter is the Socket.IO adapter on Redis: classic, sharded or
	// streams (docs/scaling.md compares them).
	RedisAdapter string
}

// LoadConfig reads the environment, then args.
func LoadConfig(getenv func(string) string, args []string) (Config, error) {
	var c Config
	s := &settings{fs: flag.NewFlagSet("parley", flag.ContinueOnError), getenv: getenv, errs: map[string]error{}}
	s.str(&c.Addr, "addr", "PARLEY_ADDR", ":8080", "listen address")
	s.str(&c.DataDir, "data-dir", "PARLEY_DATA_DIR", "./data", "embedded database and generated secrets")
	s.str(&c.JWTSecret, "jwt-secret", "PARLEY_JWT_SECRET", "", "token signing key (generated into the data dir when empty)")
	s.duration(&c.TokenTTL, "token-ttl", "PARLEY_TOKEN_TTL", "168h", "token lifetime")
	s.duration(&c.SessionCheck, "session-check", "PARLEY_SESSION_CHECK", "2s", "how often each node disconnects the sockets whose token expired or was revoked")
	s.bind("allowed-origins", "PARLEY_ALLOWED_ORIGINS", "", "comma-separated origins allowed besides the same origin", func(v string) error {
		c.AllowedOrigins = nil
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				c.AllowedOrigins = append(c.AllowedOrigins, o)
			}
		}
		return nil
	})
	s.bind("log-level", "PARLEY_LOG_LEVEL", "info", "debug, info, warn or error", func(v string) error {
		return c.LogLevel.UnmarshalText([]byte(v))
	})
	s.bind("log-format", "PARLEY_LOG_FORMAT", "text", "text or json: how log lines on stderr are written", func(v string) error {
		switch v {
		case "text", "json":
			c.LogFormat = v
			return nil
		}
		return fmt.Errorf("want text or json")
	})
	s.str(&c.FilterFile, "filter-file", "PARLEY_FILTER_FILE", "", "sensitive-word list, one per line (default: the shipped list)")
	s.integer(&c.MaxTextLength, "max-text-length", "PARLEY_MAX_TEXT_LENGTH", "4000", "message length limit in characters")
	s.bind("send-rate", "PARLEY_SEND_RATE", "10", "messages per second per user", func(v string) (err error) {
		c.SendRate, err = strconv.ParseFloat(v, 64)
		return err
	})
	s.integer(&c.SendBurst, "send-burst", "PARLEY_SEND_BURST", "20", "burst of messages per user")
	s.rate(&c.WriteRate, &c.WriteBurst, "write", "PARLEY_WRITE", "10", "100", "store writes per user (read, dm:open, room:join/leave/invite/kick/notify, message:delete, skill:register, PATCH /api/me, POST /api/me/password, uploads)")
	s.rate(&c.ReadRate, &c.ReadBurst, "read", "PARLEY_READ", "10", "50", "history and sync requests per user (and the REST room lists and history)")
	s.rate(&c.TypingRate, &c.TypingBurst, "typing", "PARLEY_TYPING", "2", "10", "typing signals per user that reach a room (a repeated state within 2s is not broadcast and not counted)")
	s.rate(&c.RoomCreateRate, &c.RoomCreateBurst, "room-create", "PARLEY_ROOM_CREATE", "0.1", "10", "rooms created per user")
	s.rate(&c.LoginRate, &c.LoginBurst, "login", "PARLEY_LOGIN", "0.05", "10", "login attempts per username, and service-token requests per app id")
	s.rate(&c.AuthIPRate, &c.AuthIPBurst, "auth-ip", "PARLEY_AUTH_IP", "1", "30", "register, login and service-token requests per client IP")
	s.integer(&c.MaxConnsPerUser, "max-connections-per-user", "PARLEY_MAX_CONNECTIONS_PER_USER", "20", "sockets one account may have open on a node (0: no limit)")
	s.integer(&c.MaxConnsPerIP, "max-connections-per-ip", "PARLEY_MAX_CONNECTIONS_PER_IP", "500", "sockets one client IP may have open on a node (0: no limit)")
	s.bind("trusted-proxies", "PARLEY_TRUSTED_PROXIES", "", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For tells the client IP", func(v string) (err error) {
		c.TrustedProxies, err = parseNets(v)
		return err
	})
	s.duration(&c.PresenceGrace, "presence-grace", "PARLEY_PRESENCE_GRACE", "3s", "how long a user without sockets stays online")
	s.duration(&c.PresenceNodeTTL, "presence-node-ttl", "PARLEY_PRESENCE_NODE_TTL", "30s", "with Redis: how long the users of a node that stopped heartbeating (died) still show online")
	s.bind("assistant-name", "PARLEY_ASSISTANT_NAME", "assistant", "the assistant's username", func(v string) error {
		c.AssistantName = strings.ToLower(v)
		return nil
	})
	s.duration(&c.ShutdownTimeout, "shutdown-timeout", "PARLEY_SHUTDOWN_TIMEOUT", "10s", "how long a graceful shutdown may take")
	s.integer(&c.BcryptCost, "bcrypt-cost", "PARLEY_BCRYPT_COST", "10", "password hashing cost")
	s.bytes(&c.MaxQueuedBytes, "max-queued-bytes", "PARLEY_MAX_QUEUED_BYTES", "4MiB", "bytes that may wait for one connection that does not read before it is dropped (a number, or with KiB, MiB or GiB)")
	s.bind("sync-max-messages", "PARLEY_SYNC_MAX_MESSAGES", "1000", "messages one sync answer carries across all rooms; the client syncs again for the rest", func(v string) (err error) {
		if c.SyncMaxMessages, err = strconv.Atoi(v); err == nil && c.SyncMaxMessages <= 0 {
			err = fmt.Errorf("want a positive number of messages")
		}
		return err
	})
	s.bytes(&c.MaxAnswerBytes, "max-answer-bytes", "PARLEY_MAX_ANSWER_BYTES", "1MiB", "encoded size of the messages in one sync or history answer, at least one message whatever its size (a number, or with KiB, MiB or GiB)")
	s.bytes(&c.MaxUploadBytes, "max-upload-bytes", "PARLEY_MAX_UPLOAD_BYTES", "25MiB", "size limit of one uploaded file (a number, or with KiB, MiB or GiB)")
	s.bind("file-url-ttl", "PARLEY_FILE_URL_TTL", "4h", "how long a file's signed URL lasts at least; it expires on the next whole hour after that, so it stays the same within an hour", func(v string) (err error) {
		if c.FileURLTTL, err = time.ParseDuration(v); err == nil && c.FileURLTTL <= 0 {
			err = fmt.Errorf("want a positive duration")
		}
		return err
	})
	s.duration(&c.PingInterval, "ping-interval", "PARLEY_PING_INTERVAL", "25s", "heartbeat interval")
	s.duration(&c.PingTimeout, "ping-timeout", "PARLEY_PING_TIMEOUT", "20s", "how long a heartbeat may go unanswered before the connection is closed")
	s.duration(&c.HTTPReadTimeout, "http-read-timeout", "PARLEY_HTTP_READ_TIMEOUT", "0s", "bound on reading one request with its body; must exceed the ping interval (0: ping interval + 15s)")
	s.duration(&c.HTTPWriteTimeout, "http-write-timeout", "PARLEY_HTTP_WRITE_TIMEOUT", "0s", "bound on one request from its headers to the end of its response; must exceed the ping interval (0: ping interval + 15s)")
	s.duration(&c.HTTPIdleTimeout, "http-idle-timeout", "PARLEY_HTTP_IDLE_TIMEOUT", "120s", "how long an idle keep-alive connection stays open")
	s.str(&c.LLMBaseURL, "llm-base-url", "PARLEY_LLM_BASE_URL", "", "OpenAI-compatible API base URL, e.g. https://api.openai.com/v1 (unset: built-in assistant only)")
	s.str(&c.LLMAPIKey, "llm-api-key", "PARLEY_LLM_API_KEY", "", "API key for the model (empty for local servers)")
	s.str(&c.LLMModel, "llm-model", "PARLEY_LLM_MODEL", "gpt-4o-mini", "model name")
	s.duration(&c.LLMTimeout, "llm-timeout", "PARLEY_LLM_TIMEOUT", "60s", "bound on one model reply")
	s.duration(&c.LLMFirstToken, "llm-first-token-timeout", "PARLEY_LLM_FIRST_TOKEN_TIMEOUT", "15s", "how long to wait for the model's first token before a degraded reply")
	s.integer(&c.LLMConcurrency, "llm-concurrency", "PARLEY_LLM_CONCURRENCY", "4", "model requests in flight per node")
	s.bind("assistant-rate", "PARLEY_ASSISTANT_RATE", "0.2", "questions per second each user may ask the assistant", func(v string) (err error) {
		c.AssistantRate, err = strconv.ParseFloat(v, 64)
		return err
	})
	s.integer(&c.AssistantBurst, "assistant-burst", "PARLEY_ASSISTANT_BURST", "5", "burst of questions per user")
	s.integer(&c.AssistantMemory, "assistant-memory", "PARLEY_ASSISTANT_MEMORY", "30", "recent room messages the model sees")
	s.bind("services", "PARLEY_SERVICES", "", "service clients as appId:secret, comma-separated", func(v string) error {
		c.Services = map[string]string{}
		for _, pair := range strings.Split(v, ",") {
			if pair = strings.TrimSpace(pair); pair == "" {
				continue
			}
			id, secret, ok := strings.Cut(pair, ":")
			if !ok || id == "" || len(secret) < 16 {
				return fmt.Errorf("want appId:secret with a secret of 16 characters or more")
			}
			c.Services[strings.ToLower(id)] = secret
		}
		return nil
	})
	s.str(&c.MetricsAddr, "metrics-addr", "PARLEY_METRICS_ADDR", "", "serve /metrics on this address instead of the listen address")
	s.str(&c.PprofAddr, "pprof-addr", "PARLEY_PPROF_ADDR", "", "serve the Go profiler (net/http/pprof) on this address; keep it internal")
	s.str(&c.MongoURI, "mongodb-uri", "PARLEY_MONGODB_URI", "", "MongoDB connection string (a replica set); set: MongoDB instead of the embedded store")
	s.str(&c.MongoDatabase, "mongodb-database", "PARLEY_MONGODB_DATABASE", "parley", "MongoDB database name")
	s.str(&c.RedisURL, "redis-url", "PARLEY_REDIS_URL", "", "Redis URL (redis://[user:pass@]host:6379/0); set: nodes share rooms through Redis")
	s.str(&c.RedisPrefix, "redis-prefix", "PARLEY_REDIS_PREFIX", "parley", "Redis channel prefix: clusters sharing one Redis need different ones")
	s.duration(&c.SkillTTL, "skill-ttl", "PARLEY_SKILL_TTL", "10s", "with Redis: how long the skills offered on a node outlive its last heartbeat (it beats every third of it)")
	s.bind("redis-adapter", "PARLEY_REDIS_ADAPTER", "classic", "how broadcasts cross nodes: classic (pub/sub), sharded (sharded pub/sub, Redis 7) or streams (Redis Streams)", func(v string) error {
		switch v {
		case "classic", "sharded", "streams":
			c.RedisAdapter = v
			return nil
		}
		return fmt.Errorf("want classic, sharded or streams")
	})
	if err := s.fs.Parse(args); err != nil {
		return Config{}, err
	}
	if err := s.err(); err != nil {
		return Config{}, err
	}
	if err := c.checkHTTPTimeouts(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// settings binds each setting to its variable and its flag. A variable's
// bad value is an error unless the flag replaces it; a flag's bad value is
// reported by the flag parser under the flag's name.
type settings struct {
	fs     *flag.FlagSet
	getenv func(string) string
	errs   map[string]error // by variable
}

func (s *settings) bind(name, env, def, usage string, parse func(string) error) {
	v := strings.TrimSpace(s.getenv(env))
	if v == "" {
		v = def
	}
	if err := parse(v); err != nil {
		s.errs[env] = fmt.Errorf("%s=%q: %w", env, v, err)
	}
	s.fs.Func(name, fmt.Sprintf("%s ($%s, default %q)", usage, env, def), func(v string) error {
		delete(s.errs, env)
		if err := parse(v); err != nil {
			return fmt.Errorf("%w (it sets %s)", err, env)
		}
		return nil
	})
}

func (s *settings) str(p *string, name, env, def, usage string) {
	s.bind(name, env, def, usage, func(v string) error { *p = v; return nil })
}

// rate binds a budget: <env>_RATE units per second (<name>-rate) with
// bursts of <env>_BURST (<name>-burst).
func (s *settings) rate(perSecond *float64, burst *int, name, env, defRate, defBurst, usage string) {
	s.bind(name+"-rate", env+"_RATE", defRate, usage+", per second", func(v string) (err error) {
		*perSecond, err = strconv.ParseFloat(v, 64)
		if err == nil && *perSecond <= 0 {
			err = fmt.Errorf("want a positive number")
		}
		return err
	})
	s.bind(name+"-burst", env+"_BURST", defBurst, usage+", burst", func(v string) (err error) {
		*burst, err = strconv.Atoi(v)
		if err == nil && *burst <= 0 {
			err = fmt.Errorf("want a positive number")
		}
		return err
	})
}

// parseNets reads comma-separated IP addresses and CIDRs.
func parseNets(v string) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			ip := net.ParseIP(f)
			if ip == nil {
				return nil, fmt.Errorf("%q is not an IP address or CIDR", f)
			}
			bits := 8 * len(ip.To16())
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			nets = append(nets, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR", f)
		}
		nets = append(nets, n)
	}
	return nets, nil
}

func (s *settings) integer(p *int, name, env, def, usage string) {
	s.bind(name, env, def, usage, func(v string) (err error) { *p, err = strconv.Atoi(v); return err })
}

// bytes parses a size: a number of bytes, or one followed by KiB, MiB or
// GiB.
func (s *settings) bytes(p *int64, name, env, def, usage string) {
	s.bind(name, env, def, usage, func(v string) error {
		n, err := parseBytes(v)
		*p = n
		return err
	})
}

func parseBytes(v string) (int64, error) {
	unit := int64(1)
	for suffix, u := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if num, ok := strings.CutSuffix(v, suffix); ok {
			v, unit = strings.TrimSpace(num), u
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("want a positive number of bytes, or one with KiB, MiB or GiB")
	}
	return n * unit, nil
}

func (s *settings) duration(p *time.Duration, name, env, def, usage string) {
	s.bind(name, env, def, usage, func(v string) (err error) { *p, err = time.ParseDuration(v); return err })
}

func (s *settings) err() error {
	if len(s.errs) == 0 {
		return nil
	}
	msgs := make([]string, 0, len(s.errs))
	for _, err := range s.errs {
		msgs = append(msgs, err.Error())
	}
	sort.Strings(msgs)
	return fmt.Errorf("invalid configuration: %s", strings.Join(msgs, "; "))
}

// Env reads the process environment.
func Env(k string) string { return os.Getenv(k) }
