// Package app wires one Parley node together: configuration, the store,
// the hub, accounts, the assistant, the transport and the listeners, with
// a Main type whose Run and Close start and stop them in order. Command
// parley runs it; tests boot it on 127.0.0.1:0.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
	"github.com/parley-chat/parley/assistant"
	"github.com/parley-chat/parley/files"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/monitoring/storemetrics"
	"github.com/parley-chat/parley/redisskills"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/server"
	"github.com/parley-chat/parley/store"
)

// maxFrame bounds one Socket.IO frame: a 4000-character message in UTF-8
// with its JSON envelope fits many times over.
const maxFrame = 128 << 10

// Main is one Parley node: store, hub, transport and listener. Tests boot
// it on 127.0.0.1:0.
type Main struct {
	cfg Config
	log *slog.Logger

	ln        net.Listener
	http      *http.Server
	store     *store.Store
	hub       *rooms.Hub
	accounts  *accounts.Accounts
	server    *server.Server
	assistant *assistant.Assistant
	ready     chan struct{}

	metrics *sideListener // nil unless PARLEY_METRICS_ADDR is set
	pprof   *sideListener // nil unless PARLEY_PPROF_ADDR is set

	gate      gate          // startup.go
	listening chan struct{} // closed once ln is bound
	serveErr  chan error
	redis     *redisLink           // redis.go; nil without PARLEY_REDIS_URL
	skills    *redisskills.Cluster // skills.go; nil without PARLEY_REDIS_URL
	cleaner   *files.Cleaner       // files.go; removes orphan uploads
	dirLock   *dirLock             // datalock.go; held while the embedded store is open

	closeOnce sync.Once
	closeErr  error
}

// NewMain prepares a node; Run starts it.
func NewMain(cfg Config, log *slog.Logger) *Main {
	if cfg.Build == (Build{}) {
		cfg.Build = ReadBuild("", "", "") // what the binary embeds, without linker flags
	}
	return &Main{cfg: cfg, log: log, ready: make(chan struct{}), listening: make(chan struct{})}
}

// Addr is the listen address once Run has started listening.
func (m *Main) Addr() string {
	<-m.ready
	if m.ln == nil {
		return ""
	}
	return m.ln.Addr().String()
}

// PprofAddr is the address of the profiler's listener once Run has
// started listening, or "" when PARLEY_PPROF_ADDR is not set.
func (m *Main) PprofAddr() string {
	<-m.ready
	return m.pprof.addr()
}

// MetricsAddr is the address of the metrics listener once Run has started
// listening, or "" when /metrics is served on Addr.
func (m *Main) MetricsAddr() string {
	<-m.ready
	return m.metrics.addr()
}

// Run opens everything, serves until ctx ends, then shuts down gracefully.
func (m *Main) Run(ctx context.Context) error {
	b := m.cfg.Build
	m.log.Info("parley starting", "version", b.Version, "commit", b.Commit, "built", b.Date, "go", b.GoVersion)
	err := m.open(ctx)
	close(m.ready)
	if err != nil {
		m.Close()
		if ctx.Err() != nil {
			return nil // stopped while waiting for the store
		}
		return err
	}
	m.metrics.serve(m.log)
	m.pprof.serve(m.log)
	m.log.Info("parley listening", "addr", m.ln.Addr().String(), "data_dir", m.cfg.DataDir)
	select {
	case <-ctx.Done():
		m.log.Info("shutting down")
	case err := <-m.serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			m.Close()
			return fmt.Errorf("serve: %w", err)
		}
	}
	return m.Close()
}

func (m *Main) open(ctx context.Context) error {
	if err := os.MkdirAll(m.cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	if err := m.holdDataDir(); err != nil {
		return err
	}
	secret, err := loadOrCreateSecret(m.cfg.JWTSecret, m.cfg.DataDir)
	if err != nil {
		return err
	}
	filter := rooms.DefaultFilter()
	if m.cfg.FilterFile != "" {
		if filter, err = rooms.LoadFilter(m.cfg.FilterFile); err != nil {
			return err
		}
	}
	// Listen first: while the store is out of reach, /readyz says 503.
	if err := m.listen(); err != nil {
		return err
	}
	st, err := m.openStore(ctx)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	reg := monitoring.NewRegistry()
	registerBuildInfo(reg, m.cfg.Build)
	// Every user of the store (hub, transport, assistant) goes through the
	// timing wrapper: one source of parley_store_op_seconds.
	m.store = storemetrics.Wrap(st, reg)
	adapter, err := m.openRedis(reg)
	if err != nil {
		return err
	}
	io := server.NewSocketServer(server.SocketOptions{
		MaxFrame: maxFrame, PingInterval: m.cfg.PingInterval, PingTimeout: m.cfg.PingTimeout, Adapter: adapter,
		MaxQueuedBytes: m.cfg.MaxQueuedBytes, Metrics: reg, Logger: m.log,
	})
	signer, uploads, err := m.openFiles(secret, st, reg)
	if err != nil {
		return err
	}
	var peers rooms.Peers
	var presence rooms.Presence // nil: this node alone
	if m.redis != nil {
		peers, presence = m.redis.peers, m.redis.presence
	}
	m.hub = rooms.New(rooms.Config{
		Store:           m.store,
		Emitter:         server.NewEmitter(io, m.log),
		Peers:           peers,
		Presence:        presence,
		Filter:          filter,
		MaxTextLength:   m.cfg.MaxTextLength,
		SyncMaxMessages: m.cfg.SyncMaxMessages,
		MaxAnswerBytes:  int(m.cfg.MaxAnswerBytes),
		Limiter:         m.sendLimiter(),
		Limits:          m.hubLimits(),
		PresenceGrace:   m.cfg.PresenceGrace,
		Files:           signer,
		Logger:          m.log,
		Metrics:         reg,
	})
	if m.redis != nil {
		go m.redis.peers.listen(m.redis.ctx, m.hub)
		go m.redis.presence.Run(m.redis.ctx, m.hub.PresenceChanged)
	}
	m.accounts = accounts.New(accounts.Config{
		Users:                m.store.Users,
		People:               m.store.People,
		Services:             m.store.Services,
		Revocations:          m.store.Revocations,
		Welcomer:             m.hub,
		Secret:               secret,
		TokenTTL:             m.cfg.TokenTTL,
		BcryptCost:           m.cfg.BcryptCost,
		Reserved:             append([]string{m.cfg.AssistantName}, m.serviceNames()...),
		ReservedDisplayNames: []string{assistantDisplayName},
	})
	if err := m.seed(ctx); err != nil {
		return err
	}
	services, registry := m.openSkills(reg)
	if err := m.openAssistant(ctx, filter, services, reg); err != nil {
		return err
	}
	if err := m.accounts.EnsureServices(ctx, m.cfg.Services); err != nil {
		return fmt.Errorf("PARLEY_SERVICES: %w", err)
	}
	m.server = server.New(server.Config{
		Accounts:       m.accounts,
		AssistantName:  m.cfg.AssistantName,
		Hub:            m.hub,
		IO:             io,
		Skills:         registry,
		AllowedOrigins: m.cfg.AllowedOrigins,
		Limits:         m.serverLimits(),
		SessionCheck:   m.cfg.SessionCheck,
		Ready:          m.readiness,
		Files:          uploads,
		Metrics:        reg,
		Logger:         m.log,

		MetricsOnOwnListener: m.cfg.MetricsAddr != "",
	})
	if m.metrics, err = openMetrics(m.cfg.MetricsAddr, reg, m.log); err != nil {
		return err
	}
	if m.pprof, err = openPprof(m.cfg.PprofAddr, m.log); err != nil {
		return err
	}
	m.gate.set(m.server.Handler())
	return nil
}

// seed creates the system account and the default room on first start.
func (m *Main) seed(ctx context.Context) error {
	sys, err := m.accounts.EnsureSystem(ctx)
	if err != nil {
		return err
	}
	if err := m.hub.EnsureRoom(ctx, parley.DefaultRoomID, "general", "Everyone's room", sys.ID); err != nil {
		return fmt.Errorf("create default room: %w", err)
	}
	return nil
}

// Close shuts down in order: stop accepting connections, commit the
// messages already accepted, withdraw from the cluster's presence (another
// node announces this node's users offline after the grace, unless they
// reconnect elsewhere), disconnect sockets, stop the assistant, close the
// store. Safe to call twice.
func (m *Main) Close() error {
	m.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), m.shutdownTimeout())
		defer cancel()
		var errs []error
		shutdown := make(chan error, 1)
		if m.http != nil {
			// Shutdown closes the listener at once, then waits for requests
			// in flight (long-polls end when their sockets close below).
			go func() { shutdown <- m.http.Shutdown(ctx) }()
		} else {
			shutdown <- nil
		}
		if m.hub != nil {
			m.hub.Close()
		}
		if m.server != nil {
			m.server.CloseSockets()
		}
		if m.assistant != nil {
			m.assistant.Close()
		}
		if m.skills != nil {
			m.skills.Close() // its services' sockets are closed: no more skills here
		}
		if m.cleaner != nil {
			m.cleaner.Close() // before the store it sweeps closes
		}
		if err := m.closeRedis(); err != nil {
			errs = append(errs, err)
		}
		if err := <-shutdown; err != nil {
			m.http.Close()
			m.log.Warn("requests still open at shutdown were cut", "err", err)
		}
		m.metrics.close(ctx)
		m.pprof.close(ctx)
		if m.store != nil {
			if err := m.store.Backend.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close store: %w", err))
			}
		}
		m.dirLock.release() // after the store: a restore may now replace it
		m.closeErr = errors.Join(errs...)
		m.log.Info("parley stopped")
	})
	return m.closeErr
}

func (m *Main) shutdownTimeout() time.Duration {
	if m.cfg.ShutdownTimeout > 0 {
		return m.cfg.ShutdownTimeout
	}
	return 10 * time.Second
}

// serviceNames are the usernames of configured service clients: nobody may
// register them.
func (m *Main) serviceNames() []string {
	names := make([]string, 0, len(m.cfg.Services))
	for id := range m.cfg.Services {
		names = append(names, id)
	}
	return names
}
