package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is everything an operator can set (DESIGN §5). Each field comes
// from an environment variable; a flag of the same name (lower-case, without
// the PARLEY_ prefix, '-' for '_') overrides it.
type Config struct {
	Addr            string
	DataDir         string
	JWTSecret       string
	TokenTTL        time.Duration
	AllowedOrigins  []string
	LogLevel        slog.Level
	FilterFile      string
	MaxTextLength   int
	SendRate        float64
	SendBurst       int
	PresenceGrace   time.Duration
	AssistantName   string
	ShutdownTimeout time.Duration
	BcryptCost      int
	MaxQueued       int
	PingInterval    time.Duration
	PingTimeout     time.Duration
}

// LoadConfig reads the environment, then args.
func LoadConfig(getenv func(string) string, args []string) (Config, error) {
	env := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("parley", flag.ContinueOnError)
	addr := fs.String("addr", env("PARLEY_ADDR", ":8080"), "listen address")
	dataDir := fs.String("data-dir", env("PARLEY_DATA_DIR", "./data"), "embedded database and generated secrets")
	secret := fs.String("jwt-secret", env("PARLEY_JWT_SECRET", ""), "token signing key (generated into the data dir when empty)")
	ttl := fs.String("token-ttl", env("PARLEY_TOKEN_TTL", "168h"), "token lifetime")
	origins := fs.String("allowed-origins", env("PARLEY_ALLOWED_ORIGINS", ""), "comma-separated origins allowed besides the same origin")
	level := fs.String("log-level", env("PARLEY_LOG_LEVEL", "info"), "debug, info, warn or error")
	filter := fs.String("filter-file", env("PARLEY_FILTER_FILE", ""), "sensitive-word list, one per line (default: the shipped list)")
	maxText := fs.String("max-text-length", env("PARLEY_MAX_TEXT_LENGTH", "4000"), "message length limit in characters")
	rate := fs.String("send-rate", env("PARLEY_SEND_RATE", "10"), "messages per second per user")
	burst := fs.String("send-burst", env("PARLEY_SEND_BURST", "20"), "burst of messages per user")
	grace := fs.String("presence-grace", env("PARLEY_PRESENCE_GRACE", "3s"), "how long a user without sockets stays online")
	assistant := fs.String("assistant-name", env("PARLEY_ASSISTANT_NAME", "assistant"), "the assistant's username")
	shutdown := fs.String("shutdown-timeout", env("PARLEY_SHUTDOWN_TIMEOUT", "10s"), "how long a graceful shutdown may take")
	cost := fs.String("bcrypt-cost", env("PARLEY_BCRYPT_COST", "10"), "password hashing cost")
	queued := fs.String("max-queued-packets", env("PARLEY_MAX_QUEUED_PACKETS", "1024"), "packets that may wait for one slow connection before it is dropped")
	pingInterval := fs.String("ping-interval", env("PARLEY_PING_INTERVAL", "25s"), "heartbeat interval")
	pingTimeout := fs.String("ping-timeout", env("PARLEY_PING_TIMEOUT", "20s"), "how long a heartbeat may go unanswered before the connection is closed")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	c := Config{Addr: *addr, DataDir: *dataDir, JWTSecret: *secret, FilterFile: *filter, AssistantName: strings.ToLower(*assistant)}
	var errs []string
	parse := func(name string, err error) {
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", name, err))
		}
	}
	var err error
	c.TokenTTL, err = time.ParseDuration(*ttl)
	parse("PARLEY_TOKEN_TTL", err)
	c.PresenceGrace, err = time.ParseDuration(*grace)
	parse("PARLEY_PRESENCE_GRACE", err)
	c.ShutdownTimeout, err = time.ParseDuration(*shutdown)
	parse("PARLEY_SHUTDOWN_TIMEOUT", err)
	c.MaxTextLength, err = strconv.Atoi(*maxText)
	parse("PARLEY_MAX_TEXT_LENGTH", err)
	c.SendRate, err = strconv.ParseFloat(*rate, 64)
	parse("PARLEY_SEND_RATE", err)
	c.SendBurst, err = strconv.Atoi(*burst)
	parse("PARLEY_SEND_BURST", err)
	c.BcryptCost, err = strconv.Atoi(*cost)
	parse("PARLEY_BCRYPT_COST", err)
	c.PingInterval, err = time.ParseDuration(*pingInterval)
	parse("PARLEY_PING_INTERVAL", err)
	c.PingTimeout, err = time.ParseDuration(*pingTimeout)
	parse("PARLEY_PING_TIMEOUT", err)
	c.MaxQueued, err = strconv.Atoi(*queued)
	parse("PARLEY_MAX_QUEUED_PACKETS", err)
	parse("PARLEY_LOG_LEVEL", c.LogLevel.UnmarshalText([]byte(*level)))
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.AllowedOrigins = append(c.AllowedOrigins, o)
		}
	}
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("invalid configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// Env reads the process environment.
func Env(k string) string { return os.Getenv(k) }
