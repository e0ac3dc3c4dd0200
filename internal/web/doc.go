// Package web serves the embedded widget script (/widget.js, and
// /static/plug.js for DevRev PLuG's snippet) and the /demo page.
//
// The script is built from the TypeScript in web/widget/src by esbuild's Go
// API and committed as static/widget.js, so that go build and go run need no
// Node. After changing the sources, run go generate ./internal/web and
// commit the bundle; TestBundle_IsFresh fails when it is stale.
package web

//go:generate go run ./build
