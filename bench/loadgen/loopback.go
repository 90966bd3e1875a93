package main

import (
	"fmt"
	"net"
	"net/url"
)

// checkLoopback refuses any target but this machine: the generator opens
// thousands of connections and offers thousands of messages a second.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("-url %q: want http://127.0.0.1:PORT", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-url %q: only loopback addresses are allowed", raw)
	}
	return nil
}
