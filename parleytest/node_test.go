package parleytest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/parleytest"
)

// TestBootServes: a booted node answers its API and stops cleanly.
func TestBootServes(t *testing.T) {
	n := parleytest.Boot(t, nil)
	res, err := http.Post(n.Base+"/api/auth/register", "application/json", strings.NewReader(`{"username":"alice","password":"correct-horse"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusCreated || !strings.Contains(string(body), `"username":"alice"`) {
		t.Fatalf("register: %d %s", res.StatusCode, body)
	}
	if !strings.Contains(n.Logs(), "parley listening") {
		t.Errorf("no listening line in the logs:\n%s", n.Logs())
	}
}
