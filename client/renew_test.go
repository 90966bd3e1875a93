package parleyclient_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/client/clienttest"
)

// When the server refuses the token a reconnection offers (here: the server
// came back with another signing key, as if the token had expired), a
// client with a TokenFunc fetches a new one and reconnects; one without
// stays down rather than retry a token that cannot work.
func TestRefusedTokensAreRenewedWithTokenFunc(t *testing.T) {
	srv := clienttest.Start(t, "PARLEY_SERVICES=echoer:"+serviceSecret)
	var tokens, connects atomic.Int32
	svc := dial(t, srv, "", parleyclient.Options{
		TokenFunc: func(ctx context.Context) (string, error) {
			tokens.Add(1)
			s, err := parleyclient.ServiceToken(ctx, srv.URL, "echoer", serviceSecret)
			return s.Token, err
		},
		OnConnect: func(*parleyclient.Client) { connects.Add(1) },
	})
	alice := register(t, srv, "alice")
	a := dial(t, srv, alice.Token, parleyclient.Options{})

	srv.Restart("PARLEY_JWT_SECRET=another-signing-key-0123456789abcdef")
	deadline := time.Now().Add(waitTimeout)
	for connects.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the service did not reconnect (%d tokens fetched)", tokens.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := tokens.Load(); n < 2 {
		t.Fatalf("%d tokens fetched, want a fresh one after the refusal", n)
	}
	if _, err := svc.Sync(ctx(t), nil); err != nil {
		t.Fatalf("the renewed connection does not work: %v", err)
	}

	time.Sleep(500 * time.Millisecond) // alice's reconnection was refused by now
	if a.Connected() {
		t.Fatal("alice's refused token should have left her disconnected")
	}
	c, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if _, err := a.History(c, "general", 0, 0); err == nil {
		t.Fatal("a call without a connection should fail")
	}
}

// A socket whose token expires is ended by the server (session:ended); a
// client with a TokenFunc fetches a new token and carries on.
func TestExpiredSessionIsRenewed(t *testing.T) {
	srv := clienttest.Start(t, "PARLEY_TOKEN_TTL=3s", "PARLEY_SESSION_CHECK=200ms")
	alice := register(t, srv, "alice")
	var tokens, connects atomic.Int32
	a := dial(t, srv, alice.Token, parleyclient.Options{
		TokenFunc: func(ctx context.Context) (string, error) {
			tokens.Add(1)
			s, err := parleyclient.Login(ctx, srv.URL, alice.User.Username, password)
			return s.Token, err
		},
		OnConnect: func(*parleyclient.Client) { connects.Add(1) },
	})
	deadline := time.Now().Add(waitTimeout)
	for connects.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the client did not reconnect after its token expired (%d tokens fetched)", tokens.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if tokens.Load() < 1 {
		t.Fatal("the client reconnected without a fresh token")
	}
	if _, err := a.Sync(ctx(t), nil); err != nil {
		t.Fatalf("the renewed connection does not work: %v", err)
	}
}
