// Command parley runs a Parley chat node: it reads the configuration,
// handles signals and runs app.Main. Subcommands (`parley help`) manage the
// configured store, back it up and report what the binary is.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	goredis "github.com/redis/go-redis/v9"

	"github.com/parley-chat/parley/app"
)

// Set at build time: go build -ldflags "-X main.version=... -X main.commit=...
// -X main.date=...". A build without them reports what debug.ReadBuildInfo
// knows (the module version, the VCS revision).
var (
	version string
	commit  string
	date    string
)

// command is one `parley <name> ...` subcommand. run returns the process's
// exit status: 0, 1 for a failure, 2 for bad usage.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	build := app.ReadBuild(version, commit, date)
	return []command{
		{"serve", "run a node (the default when no subcommand is given)", nil},
		{"user", "list users, promote or demote administrators, reset a password, disable an account", func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return app.UserCommand(ctx, app.Env, args, stdout, stderr)
		}},
		{"service", "manage service clients (integrations)", func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return app.ServiceCommand(ctx, app.Env, args, stdout, stderr)
		}},
		{"backup", "copy the embedded store to a file while the server runs", func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return app.BackupCommand(ctx, app.Env, args, stdout, stderr)
		}},
		{"restore", "check a backup and put it in place of the embedded store", func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return app.RestoreCommand(ctx, app.Env, args, stdout, stderr)
		}},
		{"alert-log", "receive Alertmanager webhooks and log each alert", func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return app.AlertLogCommand(ctx, app.Env, args, stdout, stderr)
		}},
		{"version", "print the version, commit, build date and Go version", func(_ context.Context, _ []string, stdout, _ io.Writer) int {
			fmt.Fprintln(stdout, build.String())
			return 0
		}},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second signal now kills the process at once
	}()

	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help", "help":
			usage(stdout)
			return 0
		case "-version", "--version":
			args = []string{"version"}
		}
		for _, c := range commands() {
			if c.name == args[0] && c.run != nil {
				return c.run(ctx, args[1:], stdout, stderr)
			}
		}
		if args[0] == "serve" {
			args = args[1:]
		}
	}
	return serve(ctx, args, stderr)
}

func serve(ctx context.Context, args []string, stderr io.Writer) int {
	cfg, err := app.LoadConfig(app.Env, args)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	cfg.Build = app.ReadBuild(version, commit, date)
	log := app.NewLogger(stderr, cfg)
	slog.SetDefault(log)
	goredis.SetLogger(redisLog{log})

	m := app.NewMain(cfg, log)
	if err := m.Run(ctx); err != nil {
		log.Error("parley stopped", "err", err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: parley [flags]            run a node (see "Configuration" in the README)
       parley <command> [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Every setting is an environment variable (PARLEY_ADDR, PARLEY_DATA_DIR, ...)
or a flag of the same name: parley -addr :9000. "parley <command> -h" tells
more about a command. -version prints what "parley version" does.
`)
}
