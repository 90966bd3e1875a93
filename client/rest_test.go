package parleyclient_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley"
	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/client/clienttest"
	"github.com/parley-chat/parley/protocol"
)

const serviceSecret = "service-test-secret-0123456789"

func TestRegisterLoginAndServiceTokens(t *testing.T) {
	srv := clienttest.Start(t, "PARLEY_SERVICES=echoer:"+serviceSecret)
	name := uniqueName("alice")

	reg, err := parleyclient.Register(ctx(t), srv.URL, name, password)
	if err != nil {
		t.Fatal(err)
	}
	want := protocol.User{ID: reg.User.ID, Username: name, DisplayName: name, Kind: parley.KindHuman}
	if reg.Token == "" || reg.User != want {
		t.Fatalf("register: got %+v, want a token and %+v", reg, want)
	}
	login, err := parleyclient.Login(ctx(t), srv.URL, name, password)
	if err != nil {
		t.Fatal(err)
	}
	if login.Token == "" || login.User != want {
		t.Fatalf("login: got %+v, want a token and %+v", login, want)
	}

	before := time.Now()
	svc, err := parleyclient.ServiceToken(ctx(t), srv.URL, "echoer", serviceSecret)
	if err != nil {
		t.Fatal(err)
	}
	if svc.Token == "" || svc.TTL != time.Hour || svc.Expires.Before(before.Add(59*time.Minute)) {
		t.Fatalf("service token: got %+v, want a token valid for an hour", svc)
	}

	for _, tc := range []struct {
		name string
		call func(context.Context) error
		code parley.Code
	}{
		{"register a taken username (in another case)", func(c context.Context) error {
			_, err := parleyclient.Register(c, srv.URL, "  "+strings.ToUpper(name), password)
			return err
		}, parley.CodeConflict},
		{"register a too short username", func(c context.Context) error {
			_, err := parleyclient.Register(c, srv.URL, "ab", password)
			return err
		}, parley.CodeBadRequest},
		{"register a too short password", func(c context.Context) error {
			_, err := parleyclient.Register(c, srv.URL, uniqueName("bob"), "short")
			return err
		}, parley.CodeBadRequest},
		{"login with a wrong password", func(c context.Context) error {
			_, err := parleyclient.Login(c, srv.URL, name, "wrong-password-0")
			return err
		}, parley.CodeUnauthorized},
		{"login as nobody", func(c context.Context) error {
			_, err := parleyclient.Login(c, srv.URL, uniqueName("nobody"), password)
			return err
		}, parley.CodeUnauthorized},
		{"service token with a wrong secret", func(c context.Context) error {
			_, err := parleyclient.ServiceToken(c, srv.URL, "echoer", "wrong-secret-0123456789")
			return err
		}, parley.CodeUnauthorized},
		{"service token of an unknown app", func(c context.Context) error {
			_, err := parleyclient.ServiceToken(c, srv.URL, "nobody", serviceSecret)
			return err
		}, parley.CodeUnauthorized},
		{"service token without a secret", func(c context.Context) error {
			_, err := parleyclient.ServiceToken(c, srv.URL, "echoer", "")
			return err
		}, parley.CodeBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(ctx(t))
			var perr *parleyclient.Error
			if !errors.As(err, &perr) || perr.Code != tc.code || perr.Message == "" {
				t.Fatalf("got %v, want an *Error with code %s and a message", err, tc.code)
			}
		})
	}
}

func TestDialRefusesBadTokensWithATypedError(t *testing.T) {
	srv := clienttest.Start(t)
	for _, tok := range []string{"", "not-a-token"} {
		c, err := parleyclient.Dial(ctx(t), srv.URL, tok, parleyclient.Options{Logger: testLogger(t)})
		var perr *parleyclient.Error
		if !errors.As(err, &perr) || perr.Code != parley.CodeUnauthorized || c != nil {
			t.Fatalf("dial with %q: got %v, %v; want an *Error with code UNAUTHORIZED", tok, c, err)
		}
	}
}

func TestDialGivesUpWhenNothingListens(t *testing.T) {
	srv := clienttest.Start(t)
	s := register(t, srv, "late")
	srv.Stop()
	c, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	_, err := parleyclient.Dial(c, srv.URL, s.Token, parleyclient.Options{Logger: testLogger(t), ReconnectDelay: 50 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want a deadline error", err)
	}
}
