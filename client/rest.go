package parleyclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/parley-chat/parley/protocol"
)

// maxBody bounds what a REST answer may make us read.
const maxBody = 1 << 20

// Session is an account's token and the account.
type Session struct {
	Token string        `json:"token"`
	User  protocol.User `json:"user"`
}

// ServiceSession is a service client's short-lived token.
type ServiceSession struct {
	Token   string
	Expires time.Time
	TTL     time.Duration
}

// Register creates an account (it joins general) and returns its session.
// A taken username is a CONFLICT, an invalid one a BAD_REQUEST.
func Register(ctx context.Context, baseURL, username, password string) (Session, error) {
	var s Session
	err := postJSON(ctx, http.DefaultClient, baseURL, "/api/auth/register", "", map[string]string{"username": username, "password": password}, &s)
	return s, err
}

// Login returns the session of an existing account; wrong credentials are
// UNAUTHORIZED.
func Login(ctx context.Context, baseURL, username, password string) (Session, error) {
	var s Session
	err := postJSON(ctx, http.DefaultClient, baseURL, "/api/auth/login", "", map[string]string{"username": username, "password": password}, &s)
	return s, err
}

// ServiceToken trades a service's app id and secret (configured on the
// server in PARLEY_SERVICES) for a token, valid for about an hour: pass
// Options.TokenFunc to Dial so reconnections fetch fresh ones.
func ServiceToken(ctx context.Context, baseURL, appID, secret string) (ServiceSession, error) {
	var body struct {
		Token   string `json:"token"`
		Expires int64  `json:"expires"`
		TTL     int64  `json:"ttl"`
	}
	err := postJSON(ctx, http.DefaultClient, baseURL, "/api/services/token", "", map[string]string{"appId": appID, "secret": secret}, &body)
	if err != nil {
		return ServiceSession{}, err
	}
	return ServiceSession{Token: body.Token, Expires: time.UnixMilli(body.Expires), TTL: time.Duration(body.TTL) * time.Second}, nil
}

// CreateRoom creates a group room owned by the caller (REST: sockets have no
// event for it).
func (c *Client) CreateRoom(ctx context.Context, name, topic string, private bool) (protocol.Room, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	var body struct {
		Room protocol.Room `json:"room"`
	}
	req := map[string]any{"name": name, "topic": topic, "private": private}
	err := postJSON(ctx, c.opts.HTTPClient, c.baseURL, "/api/rooms", c.currentToken(), req, &body)
	return body.Room, err
}

// postJSON posts in as JSON and decodes a 2xx answer into out, or the
// error body into an *Error.
func postJSON(ctx context.Context, hc *http.Client, baseURL, path, token string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return post(ctx, hc, baseURL, path, token, "application/json", bytes.NewReader(b), out)
}

// post sends body and decodes a 2xx answer into out, or the error body
// into an *Error.
func post(ctx context.Context, hc *http.Client, baseURL, path, token, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(baseURL, "/")+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("parleyclient: POST %s: %w", path, err)
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return fmt.Errorf("parleyclient: POST %s: %w", path, err)
	}
	if res.StatusCode/100 != 2 {
		var e struct {
			Error *wireError `json:"error"`
		}
		if json.Unmarshal(answer, &e) == nil && e.Error != nil && e.Error.Code != "" {
			return e.Error.err()
		}
		return fmt.Errorf("parleyclient: POST %s: unexpected status %s", path, res.Status)
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return fmt.Errorf("parleyclient: POST %s: %w", path, err)
	}
	return nil
}
