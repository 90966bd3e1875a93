// Package server is Parley's transport: the Echo app serving the REST API,
// the Socket.IO server and the health and metrics endpoints. It translates
// requests and events into calls on the rooms.Hub and maps error codes to
// HTTP statuses and acks.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
	apidoc "github.com/parley-chat/parley/api"
	"github.com/parley-chat/parley/files"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/rooms"
)

// Config configures the transport. Zero values take the defaults noted.
type Config struct {
	Accounts *accounts.Accounts
	Hub      *rooms.Hub
	IO       *socket.Server // from NewSocketServer; the hub's Emitter wraps it
	// AssistantName is the assistant's username, told to clients by
	// GET /api/config ("assistant").
	AssistantName string
	// AllowedOrigins may call the API and open sockets from other origins;
	// empty means same origin only.
	AllowedOrigins []string
	// BodyLimit bounds REST request bodies (64 KiB).
	BodyLimit string
	// Skills receives the skills that service clients offer over their
	// sockets (nil: service clients cannot offer skills).
	Skills SkillRegistry
	// SkillTimeout bounds a service's answer to one request (5s).
	SkillTimeout time.Duration
	// Limits are the limits on unauthenticated requests and on
	// connections; zero budgets take the defaults noted there.
	Limits Limits
	// Ready reports whether the node can serve (store, Redis); /readyz.
	// Required.
	Ready   func(ctx context.Context) error
	Metrics *monitoring.Registry
	Logger  *slog.Logger
	Now     func() time.Time
	NewID   func() string
	// SessionCheck is how often the node ends the sockets whose token
	// expired or was revoked (2s).
	SessionCheck time.Duration

	// Files, when set, takes uploads (POST /api/rooms/:id/files) and
	// serves them (GET /api/files/:id); without it those routes are 404.
	Files *Files

	// MetricsOnOwnListener leaves /metrics out of this app because the node
	// serves it on its own address (PARLEY_METRICS_ADDR, MetricsApp).
	MetricsOnOwnListener bool
}

// Server is the Echo app with Socket.IO mounted.
type Server struct {
	cfg      Config
	echo     *echo.Echo
	io       *socket.Server
	hub      *rooms.Hub
	accounts *accounts.Accounts
	log      *slog.Logger
	errors   *prometheus.CounterVec
	http     *prometheus.HistogramVec

	sockets  *socketMetrics
	sessions *sessions
	// purged is when checkSessions last purged expired revocations; only
	// its goroutine touches it.
	purged time.Time

	files *fileServer // nil without Config.Files

	limits  Limits
	conns   *connCounts
	refused *prometheus.CounterVec // limits.go

	closeOnce sync.Once
	// closing ends when CloseSockets is called; see endOnClose.
	closing context.Context
	stopIO  context.CancelFunc
}

// New builds the app and registers every route and socket handler.
func New(cfg Config) *Server {
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "64KiB"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	// Lines written with a request's context carry its requestId.
	cfg.Logger = contextLogger(cfg.Logger)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = parley.NewID
	}
	if cfg.SessionCheck <= 0 {
		cfg.SessionCheck = 2 * time.Second
	}
	if cfg.SkillTimeout <= 0 {
		cfg.SkillTimeout = 5 * time.Second
	}
	cfg.Limits.AuthPerIP = cfg.Limits.AuthPerIP.OrDefault(DefaultAuthPerIP, cfg.Now)
	cfg.Limits.LoginPerAccount = cfg.Limits.LoginPerAccount.OrDefault(DefaultLoginPerAccount, cfg.Now)
	reg := monitoring.OrNew(cfg.Metrics)
	closing, stopIO := context.WithCancel(context.Background())
	s := &Server{
		cfg:      cfg,
		echo:     echo.New(),
		io:       cfg.IO,
		hub:      cfg.Hub,
		accounts: cfg.Accounts,
		log:      cfg.Logger,
		errors:   reg.CounterVec("errors_total", "Errors answered to clients, by code.", "code"),
		http:     reg.HistogramVec("http_request_duration_seconds", "REST request latency by route and status class.", "route", "status"),

		closing: closing,
		stopIO:  stopIO,

		sockets:  newSocketMetrics(reg),
		sessions: newSessions(),

		limits:  cfg.Limits,
		conns:   newConnCounts(cfg.Limits.ConnectionsPerUser, cfg.Limits.ConnectionsPerIP),
		refused: reg.CounterVec("limit_refusals_total", "Requests and connections refused by a per-IP, per-account or connection limit, by limit.", "limit"),
	}
	if cfg.Files != nil {
		s.files = newFileServer(*cfg.Files, cfg.Hub, cfg.Logger, reg)
	}
	reg.GaugeFunc("ready", "1 while this node is ready (its /readyz checks pass), else 0; read at scrape time.", s.readyValue)
	for _, c := range parley.Codes() {
		s.errors.WithLabelValues(string(c))
	}
	for _, l := range []string{refusedAuthIP, refusedAccount, refusedConnsUser, refusedConnsIP} {
		s.refused.WithLabelValues(l)
	}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(cfg.Limits.TrustedProxies)
	e.Pre(secureHeaders)
	e.Use(requestID())
	// Outside Recover, so a request that panicked is logged with its 500.
	e.Use(s.accessLog)
	e.Use(middleware.Recover())
	e.Use(s.observeHTTP)
	if len(cfg.AllowedOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:     cfg.AllowedOrigins,
			AllowHeaders:     []string{echo.HeaderAuthorization, echo.HeaderContentType},
			AllowCredentials: true,
		}))
	}
	s.routes(reg)
	s.bindSocket()
	go s.watchSessions(closing)
	return s
}

// Handler is the whole app as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// CloseSockets disconnects every socket of this node. Safe to call twice.
func (s *Server) CloseSockets() {
	s.closeOnce.Do(func() {
		s.io.Close(nil)
		s.stopIO()
	})
}

// endOnClose ends Socket.IO requests still open when CloseSockets is
// called. The engine closes a long-polling session without answering its
// pending poll, which would keep http.Server.Shutdown waiting until its
// timeout.
func endOnClose(closing context.Context, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stop := context.AfterFunc(closing, cancel)
		defer stop()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *Server) routes(reg *monitoring.Registry) {
	e := s.echo
	newWebUI(embeddedUI()).register(e)
	e.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]any{"ok": true}) })
	e.GET("/readyz", s.readyz)
	if !s.cfg.MetricsOnOwnListener {
		e.GET("/metrics", echo.WrapHandler(reg.Handler()))
	}
	e.Any("/socket.io/*", echo.WrapHandler(endOnClose(s.closing, s.io.ServeHandler(nil))), s.checkOrigin)

	if s.files != nil {
		// Uploads have their own limit (PARLEY_MAX_UPLOAD_BYTES), so the
		// route stands outside the group that bounds API bodies.
		e.POST("/api/rooms/:id/files", s.files.upload, s.authenticate)
	}
	api := e.Group("/api", middleware.BodyLimit(s.cfg.BodyLimit))
	if s.files != nil {
		// No bearer token: the signed query is the capability (files.Signer).
		for path, v := range map[string]files.Variant{"/files/:id": files.Original, "/files/:id/thumb": files.Thumb} {
			api.GET(path, s.files.serve(v))
		}
	}
	api.POST("/auth/register", s.register)
	api.POST("/auth/login", s.login)
	api.POST("/auth/logout", s.logout, s.authenticate)
	api.POST("/auth/logout/everywhere", s.logoutEverywhere, s.authenticate)
	api.POST("/services/token", s.serviceToken)
	api.GET("/config", s.publicConfig)
	api.GET("/openapi.yaml", func(c echo.Context) error { return c.Blob(http.StatusOK, apidoc.ContentType, apidoc.OpenAPI()) })
	api.GET("/asyncapi.yaml", func(c echo.Context) error { return c.Blob(http.StatusOK, apidoc.ContentType, apidoc.AsyncAPI()) })
	authed := api.Group("", s.authenticate)
	authed.GET("/me", s.me)
	authed.PATCH("/me", s.updateMe)
	authed.POST("/me/password", s.changePassword)
	authed.GET("/users", s.searchUsers)
	authed.GET("/search", s.searchMessages)
	authed.GET("/rooms", s.myRooms)
	authed.GET("/rooms/public", s.publicRooms)
	authed.POST("/rooms", s.createRoom)
	authed.GET("/rooms/:id/messages", s.roomMessages)
	api.Any("/*", func(c echo.Context) error { return parley.Errorf(parley.CodeNotFound, "no such endpoint") })
}
