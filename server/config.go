package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/parley-chat/parley"
)

// defaultAssistantName matches PARLEY_ASSISTANT_NAME's default, for
// servers built without an assistant name (tests, tools).
const defaultAssistantName = "assistant"

// clientConfig is what a client needs to know about this deployment before
// it connects: names that are configurable, so it must not hard-code them.
type clientConfig struct {
	Assistant   string `json:"assistant"`
	DefaultRoom string `json:"defaultRoom"`
}

// publicConfig needs no token: a client reads it before it has one, and
// nothing in it is a secret (the assistant's username shows in every room).
func (s *Server) publicConfig(c echo.Context) error {
	name := s.cfg.AssistantName
	if name == "" {
		name = defaultAssistantName
	}
	return c.JSON(http.StatusOK, clientConfig{Assistant: name, DefaultRoom: parley.DefaultRoomID})
}
