package api

import (
	"bytes"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestDocumentsAreEmbeddedYAML(t *testing.T) {
	for name, tt := range map[string]struct {
		doc  []byte
		head string
	}{
		"openapi.yaml":  {OpenAPI(), "openapi"},
		"asyncapi.yaml": {AsyncAPI(), "asyncapi"},
	} {
		var top map[string]any
		if err := yaml.Unmarshal(tt.doc, &top); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, ok := top[tt.head]; !ok {
			t.Errorf("%s has no %q key", name, tt.head)
		}
	}
}

func TestAccessorsReturnCopies(t *testing.T) {
	a := OpenAPI()
	a[0] = 'X'
	if b := OpenAPI(); bytes.Equal(a, b) {
		t.Error("changing the returned slice changed the embedded document")
	}
}
