// Package redistest finds the Redis that Parley's tests run against:
// $PARLEY_TEST_REDIS_URL, else a local one on the default port (CI starts
// one, see .ci/run). It imports nothing of Parley, so any package's tests,
// internal or external, can use it.
package redistest

import (
	"net"
	"os"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// URL returns the test Redis's URL, or skips t when it does not answer.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("PARLEY_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatalf("PARLEY_TEST_REDIS_URL: %v", err)
	}
	c, err := net.DialTimeout("tcp", opts.Addr, time.Second)
	if err != nil {
		t.Skipf("no Redis at %s (%v): start one (redis-server --daemonize yes) or set PARLEY_TEST_REDIS_URL", opts.Addr, err)
	}
	_ = c.Close()
	return url
}

// Client returns a client of the test Redis, closed when t ends, or skips
// t when it does not answer.
func Client(t testing.TB) *goredis.Client {
	t.Helper()
	opts, err := goredis.ParseURL(URL(t))
	if err != nil {
		t.Fatalf("PARLEY_TEST_REDIS_URL: %v", err)
	}
	client := goredis.NewClient(opts)
	t.Cleanup(func() { _ = client.Close() })
	return client
}
