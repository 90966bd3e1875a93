package app

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
)

const serviceUsage = `Usage: parley service <command> [arguments]

Manage service clients (integrations that trade an app id and a secret for
a token, POST /api/services/token) in the configured store: the embedded
SQLite database in PARLEY_DATA_DIR, or MongoDB when PARLEY_MONGODB_URI is
set. The commands read the same environment variables as the server and may
run while it does; a running server sees every change at once.

Commands:
  create <appId>   create a service and print its secret, once (stored hashed)
  list             list the services, with their source and status
  revoke <appId>   revoke a service: no new tokens, and its sockets are
                   disconnected within seconds on every node
  rotate <appId>   print a new secret, once; the old secret and its tokens
                   stop working (a revoked service is reinstated)

Services of PARLEY_SERVICES (source "config") are provisioned at every
start: one that leaves it is revoked; rotate its secret there.
`

// ServiceCommand runs `parley service ...` with args after "service" and
// returns the process's exit status: 0, 1 for a failure, 2 for bad usage.
func ServiceCommand(ctx context.Context, getenv func(string) string, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, serviceUsage)
		return 2
	}
	verb, rest := args[0], args[1:]
	if verb == "-h" || verb == "-help" || verb == "--help" || verb == "help" {
		fmt.Fprint(stdout, serviceUsage)
		return 0
	}
	wantArg := map[string]bool{"create": true, "list": false, "revoke": true, "rotate": true}
	needsID, known := wantArg[verb]
	if !known {
		fmt.Fprintf(stderr, "parley service: unknown command %q\n\n%s", verb, serviceUsage)
		return 2
	}
	fs := commandFlags("service "+verb, serviceUsage, stderr)
	if code, done := parseCommand(fs, serviceUsage, rest, stdout); done {
		return code
	}
	if needsID != (fs.NArg() == 1) || (!needsID && fs.NArg() != 0) {
		fmt.Fprintf(stderr, "parley service %s: wrong arguments\n\n%s", verb, serviceUsage)
		return 2
	}
	cfg, ok := commandConfig(getenv, stderr)
	if !ok {
		return 2
	}
	if err := runService(ctx, cfg, verb, fs.Arg(0), stdout); err != nil {
		fmt.Fprintf(stderr, "parley service %s: %s\n", verb, commandError(err))
		return 1
	}
	return 0
}

func runService(ctx context.Context, cfg Config, verb, appID string, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, closeStore, err := openCommandStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	m := &Main{cfg: cfg}
	acc := accounts.New(accounts.Config{
		Users: st.Users, Services: st.Services, Revocations: st.Revocations,
		TokenTTL: cfg.TokenTTL, BcryptCost: cfg.BcryptCost,
		Reserved: append([]string{cfg.AssistantName}, m.serviceNames()...),
	})
	switch verb {
	case "create":
		secret, err := acc.CreateService(ctx, appID)
		if err != nil {
			return err
		}
		printSecret(out, parley.NormalizeUsername(appID), secret)
	case "rotate":
		secret, err := acc.RotateService(ctx, appID)
		if err != nil {
			return err
		}
		printSecret(out, appID, secret)
	case "revoke":
		if err := acc.RevokeService(ctx, appID); err != nil {
			return err
		}
		fmt.Fprintf(out, "revoked %s: it gets no new tokens; its sockets are disconnected within seconds\n", appID)
	case "list":
		all, err := acc.Services(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "APP ID\tSOURCE\tSTATUS\tCREATED")
		for _, s := range all {
			source, status := "cli", "active"
			if s.Configured {
				source = "config"
			}
			if s.Revoked {
				status = "revoked"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", s.AppID, source, status, s.CreatedAt.UTC().Format(time.RFC3339))
		}
		return w.Flush()
	}
	return nil
}

func printSecret(out io.Writer, appID, secret string) {
	fmt.Fprintf(out, "appId:  %s\nsecret: %s\n\nThe secret is shown only now and stored hashed: keep it safe.\n", appID, secret)
}
