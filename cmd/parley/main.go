// Command parley runs a Parley chat node: it reads the configuration,
// handles signals and runs app.Main. `parley service ...` manages service
// clients instead (app.ServiceCommand).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	goredis "github.com/redis/go-redis/v9"

	"github.com/parley-chat/parley/app"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "service" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := app.ServiceCommand(ctx, app.Env, os.Args[2:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	cfg, err := app.LoadConfig(app.Env, os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(log)
	goredis.SetLogger(redisLog{log})

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second signal now kills the process at once
	}()

	m := app.NewMain(cfg, log)
	if err := m.Run(ctx); err != nil {
		log.Error("parley stopped", "err", err)
		os.Exit(1)
	}
}
