// Command weather-service-go is Parley's weather service written with the
// Go SDK (package parleyclient), the twin of examples/weather-service: a
// service client that offers the `weather` skill to Parley's assistant and
// answers `@assistant weather Paris` with a demo forecast.
//
//	PARLEY_URL=http://localhost:8080 PARLEY_APP_ID=weather PARLEY_APP_SECRET=... go run ./examples/weather-service-go
//
// The server must know the service: PARLEY_SERVICES=weather:<secret>.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/parley-chat/parley"
	parleyclient "github.com/parley-chat/parley/client"
)

type config struct {
	url, appID, secret string
}

func configFromEnv() (config, error) {
	c := config{url: os.Getenv("PARLEY_URL"), appID: os.Getenv("PARLEY_APP_ID"), secret: os.Getenv("PARLEY_APP_SECRET")}
	if c.url == "" {
		c.url = "http://localhost:8080"
	}
	if c.appID == "" {
		c.appID = "weather"
	}
	if c.secret == "" {
		return c, errors.New("PARLEY_APP_SECRET is required (the secret given to the server in PARLEY_SERVICES)")
	}
	return c, nil
}

func main() {
	cfg, err := configFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, log); err != nil {
		log.Error("weather service stopped", "err", err)
		os.Exit(1)
	}
}

// run serves until ctx is done.
func run(ctx context.Context, cfg config, log *slog.Logger) error {
	c, err := connect(ctx, cfg, log)
	if err != nil || c == nil {
		return err
	}
	defer c.Close()
	regCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := c.RegisterSkill(regCtx, weatherSkill(), answer); err != nil {
		return fmt.Errorf("register the skill: %w", err)
	}
	log.Info("registered skill weather", "service", cfg.appID)
	<-ctx.Done()
	return nil
}

// connect dials until the server answers, like the JavaScript service
// retries: the service may start before the server. Credentials the
// server refuses end it. A nil client means ctx ended first.
func connect(ctx context.Context, cfg config, log *slog.Logger) (*parleyclient.Client, error) {
	opts := parleyclient.Options{
		Logger: log,
		// Every (re)connection the server refuses gets a fresh token, so
		// the service outlives its hour-long tokens.
		TokenFunc: func(ctx context.Context) (string, error) {
			s, err := parleyclient.ServiceToken(ctx, cfg.url, cfg.appID, cfg.secret)
			return s.Token, err
		},
		OnDisconnect: func(_ *parleyclient.Client, reason string) { log.Info("disconnected", "reason", reason) },
	}
	backoff := time.Second
	for {
		dialCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		c, err := parleyclient.Dial(dialCtx, cfg.url, "", opts)
		cancel()
		switch code := parleyclient.CodeOf(err); {
		case err == nil:
			return c, nil
		case code == parley.CodeUnauthorized || code == parley.CodeBadRequest:
			return nil, err
		}
		log.Warn("connect failed, retrying", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}
