package redispresence_test

import (
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/parley-chat/parley"
)

// ownRedis runs a redis-server of the test's own (the shared one must never
// be stopped), without persistence, on port (0: a free one).
func ownRedis(t *testing.T, port int) (int, func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no redis-server on the PATH: .ci/run installs it (apt-get install redis-server)")
		}
		t.Skip("no redis-server on the PATH to stop and restart (apt-get install redis-server)")
	}
	if port == 0 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	t.Cleanup(stop)
	waitFor(t, "redis-server to listen", func() bool {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 100*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return port, stop
}

// TestRedisOutage: while Redis is down every call fails (the hub then
// decides alone); when it is back, empty, each node registers again the
// users it has now: the one who arrived during the outage and the one who
// stayed are online, the one who left is not.
func TestRedisOutage(t *testing.T) {
	port, stop := ownRedis(t, 0)
	client := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { client.Close() })
	c := &cluster{t: t, client: client, prefix: "parley-test-" + parley.NewID(), ttl: 900 * time.Millisecond, seen: &changes{}}
	a, b := c.node("a", true), c.node("b", true)
	arrived(t, a, "stays")
	arrived(t, a, "goes")

	stop()
	if _, err := a.Left(ctx, "goes", time.Hour); parley.CodeOf(err) != parley.CodeUnavailable {
		t.Errorf("Left with Redis down = %v, want UNAVAILABLE", err)
	}
	if _, err := a.Arrived(ctx, "new"); parley.CodeOf(err) != parley.CodeUnavailable {
		t.Errorf("Arrived with Redis down = %v, want UNAVAILABLE", err)
	}

	ownRedis(t, port)
	waitFor(t, "presence rebuilt", func() bool {
		got, err := b.Online(ctx, []string{"stays", "new", "goes"})
		// a announces what it registered just after: wait for that too.
		return err == nil && slices.Equal(got, []bool{true, true, false}) &&
			len(c.seen.of("stays")) > 0 && len(c.seen.of("new")) > 0
	})
	for _, u := range []string{"stays", "new"} {
		if got := c.seen.of(u); len(got) != 1 || !got[0].online || got[0].node != "a" {
			t.Errorf("%s's changes = %+v, want one online from a (Redis had forgotten them)", u, got)
		}
	}
	if got := c.seen.of("goes"); len(got) != 0 {
		t.Errorf("goes (left during the outage, forgotten by Redis) had changes %+v", got)
	}
}
