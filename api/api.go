// Package api holds Kith's OpenAPI description, embedded so that the server
// can serve it and tests can check the routes against it.
package api

import _ "embed"

// OpenAPI is openapi.yaml: the server API and the session-token endpoints.
//
//go:embed openapi.yaml
var OpenAPI []byte
