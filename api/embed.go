// Package api holds Parley's machine-readable protocol contract:
// openapi.yaml for the REST routes and asyncapi.yaml for the Socket.IO
// events, both described in prose by docs/protocol.md. They are embedded so
// that every node serves the contract of the very code it runs.
package api

import _ "embed"

var (
	//go:embed openapi.yaml
	openAPI []byte
	//go:embed asyncapi.yaml
	asyncAPI []byte
)

// ContentType is what the documents are served as.
const ContentType = "application/yaml"

// OpenAPI returns the OpenAPI 3.1 document of the REST API. The slice is a
// copy: callers may keep or change it.
func OpenAPI() []byte { return clone(openAPI) }

// AsyncAPI returns the AsyncAPI 3.0 document of the Socket.IO namespace.
// The slice is a copy.
func AsyncAPI() []byte { return clone(asyncAPI) }

func clone(b []byte) []byte { return append([]byte(nil), b...) }
