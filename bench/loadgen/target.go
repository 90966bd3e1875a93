package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

type user struct {
	name  string
	token string
}

// target is what differs between the two servers before any socket opens:
// how a user gets a token and how a room comes to exist.
type target interface {
	users(ctx context.Context, prefix string, n int) ([]user, error)
	// room makes a room that owner is a member of and returns its id; other
	// users join it with the room:join event.
	room(ctx context.Context, owner user, name string) (string, error)
	// metrics scrapes the server's Prometheus metrics (nil, nil when the
	// server has none).
	metrics(ctx context.Context) (map[string]float64, error)
}

func newTarget(kind, base string) (target, error) {
	client := &http.Client{
		Timeout:   15 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 16, Proxy: nil},
	}
	switch kind {
	case "parley":
		return &parleyTarget{base: base, http: client}, nil
	case "reference":
		return referenceTarget{}, nil
	}
	return nil, fmt.Errorf("unknown server kind %q (parley or reference)", kind)
}

// parleyTarget registers real accounts, so sockets authenticate with real
// tokens and every message goes through the membership check.
type parleyTarget struct {
	base string
	http *http.Client
}

const password = "bench-password-1"

func (p *parleyTarget) users(ctx context.Context, prefix string, n int) ([]user, error) {
	out := make([]user, n)
	errs := make(chan error, n)
	idx := make(chan int)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range idx {
				name := fmt.Sprintf("%s%05d", prefix, i)
				var resp struct {
					Token string `json:"token"`
				}
				if err := p.post(ctx, "/api/auth/register", "", map[string]string{"username": name, "password": password}, &resp); err != nil {
					errs <- fmt.Errorf("register %s: %w", name, err)
					continue
				}
				out[i] = user{name: name, token: resp.Token}
			}
		})
	}
	for i := range n {
		idx <- i
	}
	close(idx)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return out, nil
}

func (p *parleyTarget) room(ctx context.Context, owner user, name string) (string, error) {
	var resp struct {
		Room struct {
			ID string `json:"id"`
		} `json:"room"`
	}
	if err := p.post(ctx, "/api/rooms", owner.token, map[string]string{"name": name}, &resp); err != nil {
		return "", fmt.Errorf("create room %s: %w", name, err)
	}
	return resp.Room.ID, nil
}

func (p *parleyTarget) post(ctx context.Context, path, token string, body, into any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, data)
	}
	return json.Unmarshal(data, into)
}

func (p *parleyTarget) metrics(ctx context.Context) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("/metrics: HTTP %d", resp.StatusCode)
	}
	return parseMetrics(resp.Body)
}

// parseMetrics reads the Prometheus text format into "name{labels}" ->
// value, skipping histogram buckets, which nothing here reads.
func parseMetrics(r io.Reader) (map[string]float64, error) {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || strings.Contains(line, "_bucket{") {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		out[line[:sp]] = v
	}
	return out, sc.Err()
}

// referenceTarget has no accounts: a token is a username, and room:join
// creates a room on first use.
type referenceTarget struct{}

func (referenceTarget) users(_ context.Context, prefix string, n int) ([]user, error) {
	out := make([]user, n)
	for i := range out {
		name := fmt.Sprintf("%s%05d", prefix, i)
		out[i] = user{name: name, token: name}
	}
	return out, nil
}

func (referenceTarget) room(_ context.Context, _ user, name string) (string, error) {
	return name, nil
}

func (referenceTarget) metrics(context.Context) (map[string]float64, error) { return nil, nil }

// keepMetrics picks the server counters worth keeping with a result: the
// ones that explain errors, drops and disconnects, plus goroutines.
func keepMetrics(all map[string]float64) map[string]float64 {
	if all == nil {
		return nil
	}
	out := map[string]float64{}
	for k, v := range all {
		switch {
		case k == "go_goroutines", k == "process_resident_memory_bytes",
			k == "parley_slow_clients_disconnected_total",
			k == "parley_messages_received_total", k == "parley_messages_delivered_total",
			k == "parley_rate_limited_total", k == "parley_connections":
			out[k] = v
		case (strings.HasPrefix(k, "parley_errors_total{") ||
			strings.HasPrefix(k, "parley_socket_disconnects_total{") ||
			strings.HasPrefix(k, "parley_socket_connects_total{")) && v != 0:
			out[k] = v
		}
	}
	return out
}
