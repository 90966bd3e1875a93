package app

import (
	"context"
	"fmt"
	"io"
)

// BackupCommand is not written yet.
func BackupCommand(ctx context.Context, getenv func(string) string, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "parley: not available in this build")
	return 1
}
