package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/client/clienttest"
	"github.com/parley-chat/parley/protocol"
)

func TestMain(m *testing.M) { clienttest.Main(m) }

const secret = "weather-test-secret-0123456789"

// buildService compiles this example into the test's temporary directory.
func buildService(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "weather-service")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// output is a process's combined output, safe to read while it runs.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

func TestTheGoWeatherServiceAnswersTheAssistant(t *testing.T) {
	srv := clienttest.Start(t, "PARLEY_SERVICES=weather:"+secret, "PARLEY_ASSISTANT_RATE=100", "PARLEY_ASSISTANT_BURST=100")
	svc := exec.Command(buildService(t))
	svc.Env = append(os.Environ(), "PARLEY_URL="+srv.URL, "PARLEY_APP_ID=weather", "PARLEY_APP_SECRET="+secret)
	out := &output{}
	svc.Stdout, svc.Stderr = out, out
	if err := svc.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- svc.Wait() }()
	t.Cleanup(func() {
		_ = svc.Process.Kill()
		<-exited
	})
	for deadline := time.Now().Add(15 * time.Second); !strings.Contains(out.String(), "registered skill weather"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the service did not register its skill:\n%s", out.String())
		}
	}

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var b [4]byte
	_, _ = rand.Read(b[:])
	sess, err := parleyclient.Register(ctx, srv.URL, "traveller_"+hex.EncodeToString(b[:]), "correct-horse-9")
	if err != nil {
		t.Fatal(err)
	}
	replies := make(chan protocol.Message, 16)
	c, err := parleyclient.Dial(ctx, srv.URL, sess.Token, parleyclient.Options{
		OnMessage: func(_ *parleyclient.Client, m protocol.Message) {
			if m.Sender.Kind == parley.KindBot && m.Room == "general" {
				replies <- m
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ask := func(text string) string {
		t.Helper()
		if _, err := c.Send(ctx, parleyclient.SendRequest{Room: "general", Text: text}); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-replies:
			if !strings.HasPrefix(m.Text, "@"+sess.User.Username+" ") {
				t.Fatalf("the reply %q is not addressed to the asker", m.Text)
			}
			return m.Text
		case <-ctx.Done():
			t.Fatalf("no reply to %q; the service said:\n%s", text, out.String())
		}
		return ""
	}
	// The forecast is per UTC day: accept the day's on either side of a
	// midnight crossed during the test.
	isForecast := func(reply, city string) bool {
		now := time.Now()
		return strings.HasSuffix(reply, forecast(city, "en", now)) || strings.HasSuffix(reply, forecast(city, "en", now.Add(-time.Minute)))
	}

	if reply := ask("@assistant weather Paris"); !isForecast(reply, "Paris") {
		t.Fatalf("got %q, want the forecast %q", reply, forecast("Paris", "en", time.Now()))
	}
	if reply := ask("@assistant weather"); !strings.HasSuffix(reply, "Which city?") {
		t.Fatalf("got %q, want it to ask which city", reply)
	}
	if reply := ask("Lyon"); !isForecast(reply, "Lyon") {
		t.Fatalf("got %q, want the forecast %q", reply, forecast("Lyon", "en", time.Now()))
	}

	// SIGTERM stops it cleanly.
	_ = svc.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		exited <- err // for the cleanup
		if err != nil {
			t.Fatalf("the service exited with %v after SIGTERM:\n%s", err, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the service did not exit after SIGTERM:\n%s", out.String())
	}
}

func TestTheGoWeatherServiceNeedsItsSecret(t *testing.T) {
	cmd := exec.Command(buildService(t))
	cmd.Env = append(os.Environ(), "PARLEY_APP_SECRET=")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "PARLEY_APP_SECRET is required") {
		t.Fatalf("got %v: %s; want exit status 2 and a message naming PARLEY_APP_SECRET", err, out)
	}
}
