package server

import "testing"

func TestConnCounts(t *testing.T) {
	c := newConnCounts(2, 3)
	a1, r := c.acquire("alice", "192.0.2.1")
	if r != "" {
		t.Fatalf("first socket refused: %s", r)
	}
	a2, _ := c.acquire("alice", "192.0.2.2")
	if _, r := c.acquire("alice", "192.0.2.3"); r != refusedConnsUser {
		t.Fatalf("third socket of alice: refused %q, want %q", r, refusedConnsUser)
	}
	b1, _ := c.acquire("bob", "192.0.2.1")
	c.acquire("carol", "192.0.2.1")
	if _, r := c.acquire("dave", "192.0.2.1"); r != refusedConnsIP {
		t.Fatalf("fourth socket from one IP: refused %q, want %q", r, refusedConnsIP)
	}
	// A release counts once, however often it is called (disconnect and
	// connection close both call it).
	a1()
	a1()
	if _, r := c.acquire("alice", "192.0.2.9"); r != "" {
		t.Fatalf("after a release: refused %q", r)
	}
	if _, r := c.acquire("alice", "192.0.2.9"); r != refusedConnsUser {
		t.Fatalf("a double release freed two places: refused %q", r)
	}
	a2()
	b1()
	if len(c.users) != 2 || c.users["alice"] != 1 || c.users["carol"] != 1 || c.ips["192.0.2.1"] != 1 || c.ips["192.0.2.9"] != 1 || len(c.ips) != 2 {
		t.Errorf("counts users %v ips %v", c.users, c.ips)
	}

	unlimited := newConnCounts(0, 0)
	for range 1000 {
		if _, r := unlimited.acquire("alice", "192.0.2.1"); r != "" {
			t.Fatalf("a zero cap refused: %s", r)
		}
	}
}
