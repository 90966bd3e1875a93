package server_test

import (
	"net/http"
	"testing"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/server"
)

func TestConfigNamesTheAssistantAndDefaultRoomWithoutAuth(t *testing.T) {
	s := newTestServer(t, func(c *server.Config) { c.AssistantName = "helper" })
	res := s.do("GET", "/api/config", "", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("status %d: %s", res.Status, res.Raw)
	}
	if len(res.Body) != 2 || res.Body["assistant"] != "helper" || res.Body["defaultRoom"] != "general" {
		t.Fatalf("body %s, want {assistant: helper, defaultRoom: general}", res.Raw)
	}
}

func TestConfigDefaultsTheAssistantName(t *testing.T) {
	s := newTestServer(t)
	res := s.do("GET", "/api/config", "", nil)
	if res.Status != http.StatusOK || res.Body["assistant"] != "assistant" {
		t.Fatalf("status %d body %s, want the default assistant name", res.Status, res.Raw)
	}
}

func TestConfigIsReadOnly(t *testing.T) {
	s := newTestServer(t)
	wantError(t, s.do("POST", "/api/config", "", map[string]string{}), http.StatusNotFound, parley.CodeNotFound)
}
