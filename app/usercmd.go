package app

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
)

const userUsage = `Usage: parley user <command> [arguments]

Administer people's accounts in the configured store: the embedded SQLite
database in PARLEY_DATA_DIR, or MongoDB when PARLEY_MONGODB_URI is set. The
commands read the same environment variables as the server and may run
while it does; a running server sees every change at once.

Commands:
  list                       list the accounts: username, display name, kind,
                             admin, disabled, created
  promote <username>         make a person a server administrator: they
                             moderate every group room and see the private
                             ones in the room browser
  demote <username>          take server administration away
  reset-password [-generate] <username>
                             set a new password, read as one line from
                             stdin; with -generate, or when stdin is a
                             terminal, a random one is made and printed
                             once. Every session of the account ends.
  disable <username>         refuse the account's logins; its sessions end
                             and its sockets are disconnected within seconds
                             on every node
  enable <username>          let a disabled account log in again

Only people's accounts (kind human) can be changed here; services are
managed with parley service.
`

// UserCommand runs `parley user ...` with args after "user" and returns
// the process's exit status: 0, 1 for a failure, 2 for bad usage. A new
// password is read from the process's stdin.
func UserCommand(ctx context.Context, getenv func(string) string, args []string, stdout, stderr io.Writer) int {
	return userCommand(ctx, getenv, args, stdinSource(os.Stdin), stdout, stderr)
}

// passwordInput is where reset-password finds a new password: terminal
// means nobody can pipe one in, so one is generated.
type passwordInput struct {
	r        io.Reader
	terminal bool
}

func stdinSource(f *os.File) passwordInput {
	fi, err := f.Stat()
	return passwordInput{r: f, terminal: err == nil && fi.Mode()&os.ModeCharDevice != 0}
}

func userCommand(ctx context.Context, getenv func(string) string, args []string, in passwordInput, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, userUsage)
		return 2
	}
	verb, rest := args[0], args[1:]
	if verb == "-h" || verb == "-help" || verb == "--help" || verb == "help" {
		fmt.Fprint(stdout, userUsage)
		return 0
	}
	wantArg := map[string]bool{"list": false, "promote": true, "demote": true, "reset-password": true, "disable": true, "enable": true}
	needsName, known := wantArg[verb]
	if !known {
		fmt.Fprintf(stderr, "parley user: unknown command %q\n\n%s", verb, userUsage)
		return 2
	}
	fs := commandFlags("user "+verb, userUsage, stderr)
	var generate bool
	if verb == "reset-password" {
		fs.BoolVar(&generate, "generate", false, "generate a random password and print it once")
	}
	if code, done := parseCommand(fs, userUsage, rest, stdout); done {
		return code
	}
	if (needsName && fs.NArg() != 1) || (!needsName && fs.NArg() != 0) {
		fmt.Fprintf(stderr, "parley user %s: wrong arguments\n\n%s", verb, userUsage)
		return 2
	}
	cfg, ok := commandConfig(getenv, stderr)
	if !ok {
		return 2
	}
	password := ""
	if verb == "reset-password" {
		generate = generate || in.terminal
		var err error
		if password, err = newPassword(generate, in.r); err != nil {
			fmt.Fprintf(stderr, "parley user %s: %s\n", verb, commandError(err))
			return 1
		}
	}
	if err := runUser(ctx, cfg, verb, fs.Arg(0), password, generate, stdout); err != nil {
		fmt.Fprintf(stderr, "parley user %s: %s\n", verb, commandError(err))
		return 1
	}
	return 0
}

// newPassword makes a random password, or reads one line from r (its line
// ending is not part of it).
func newPassword(generate bool, r io.Reader) (string, error) {
	if generate {
		b := make([]byte, 18)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		return base64.RawURLEncoding.EncodeToString(b), nil
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", parley.Errorf(parley.CodeBadRequest, "read the password from stdin: %v", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", parley.Errorf(parley.CodeBadRequest, "no password on stdin (pipe one line in, or use -generate)")
	}
	return line, nil
}

func runUser(ctx context.Context, cfg Config, verb, username, password string, generated bool, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, closeStore, err := openCommandStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	acc := accounts.New(accounts.Config{
		Users: st.Users, People: st.People, UserAdmin: st.UserAdmin, Revocations: st.Revocations,
		TokenTTL: cfg.TokenTTL, BcryptCost: cfg.BcryptCost,
	})
	name := parley.NormalizeUsername(username)
	switch verb {
	case "list":
		return listUsers(ctx, acc, out)
	case "promote", "demote":
		if _, err := acc.SetAdmin(ctx, name, verb == "promote"); err != nil {
			return err
		}
		if verb == "promote" {
			fmt.Fprintf(out, "%s is now a server administrator\n", name)
		} else {
			fmt.Fprintf(out, "%s is no longer a server administrator\n", name)
		}
	case "disable", "enable":
		if _, err := acc.SetDisabled(ctx, name, verb == "disable"); err != nil {
			return err
		}
		if verb == "disable" {
			fmt.Fprintf(out, "disabled %s: they cannot log in; their sockets are disconnected within seconds\n", name)
		} else {
			fmt.Fprintf(out, "enabled %s: they can log in again\n", name)
		}
	case "reset-password":
		if err := acc.ResetPassword(ctx, name, password); err != nil {
			return err
		}
		if generated {
			fmt.Fprintf(out, "username: %s\npassword: %s\n\nThe password is shown only now and stored hashed: hand it over safely.\n", name, password)
		}
		fmt.Fprintf(out, "reset the password of %s: their sessions end within seconds\n", name)
	}
	return nil
}

func listUsers(ctx context.Context, acc *accounts.Accounts, out io.Writer) error {
	all, err := acc.Users(ctx)
	if err != nil {
		return err
	}
	yes := map[bool]string{true: "yes", false: "no"}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "USERNAME\tDISPLAY NAME\tKIND\tADMIN\tDISABLED\tCREATED")
	for _, u := range all {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, u.DisplayName, u.Kind,
			yes[u.Admin], yes[u.Disabled], u.CreatedAt.UTC().Format(time.RFC3339))
	}
	return w.Flush()
}
