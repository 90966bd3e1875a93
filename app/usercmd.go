package app

import (
	"context"
	"fmt"
	"io"
)

// UserCommand is not written yet.
func UserCommand(ctx context.Context, getenv func(string) string, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "parley: not available in this build")
	return 1
}
