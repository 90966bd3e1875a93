package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

// The subcommands (`parley user`, `service`, `backup`, `restore`) share
// their command-line conventions: -h prints the usage on stdout and exits
// 0, a bad flag or argument exits 2 with the usage on stderr, a failure
// exits 1 with its cause.

// commandFlags is the flag set of `parley <name>`, which prints usage.
func commandFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("parley "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage) }
	return fs
}

// parseCommand parses args into fs. done says the command ends here, with
// exit status code: 0 after -h, 2 after a bad flag.
func parseCommand(fs *flag.FlagSet, usage string, args []string, stdout io.Writer) (code int, done bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return 0, false
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return 0, true
	default:
		return 2, true
	}
}

// commandConfig reads the server's configuration for a command, which
// works on the same store; ok=false means it was printed as bad (exit 2).
func commandConfig(getenv func(string) string, stderr io.Writer) (cfg Config, ok bool) {
	cfg, err := LoadConfig(getenv, nil)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return cfg, false
	}
	return cfg, true
}

// openCommandStore opens the configured store for a command that writes
// to it, holding the data dir's shared lock as a node does: a restore in
// progress keeps the command out rather than letting it write to the file
// being replaced. close releases both.
func openCommandStore(ctx context.Context, cfg Config) (st *store.Store, close func(), err error) {
	m := &Main{cfg: cfg, log: slog.New(slog.DiscardHandler)}
	if err := m.holdDataDir(); err != nil {
		return nil, nil, parley.Wrap(parley.CodeConflict, err, "%s", err.Error())
	}
	st, err = m.openStore(ctx)
	if err != nil {
		m.dirLock.release()
		return nil, nil, fmt.Errorf("open store: %w", err)
	}
	return st, func() { st.Backend.Close(); m.dirLock.release() }, nil
}

// commandError is what a command line tool prints for err. A client of the
// server gets "internal error" for a fault on the server's side; the
// operator at the terminal is the one who must fix it (a data dir they
// cannot read, a MongoDB that refuses them), so they get the cause.
func commandError(err error) string {
	var e *parley.Error
	if errors.As(err, &e) && e.Code != parley.CodeInternal {
		return e.Message
	}
	return err.Error()
}
