// Package web serves the embedded widget script (/widget.js, and
// /static/plug.js for DevRev PLuG's snippet), the /demo page, and the
// agents' inbox (/inbox: its page, script and stylesheet).
//
// The script is built from the TypeScript in web/widget/src by esbuild's Go
// API and committed as static/widget.js, and the inbox from web/inbox/src as
// static/inbox.js and static/inbox.css, so that go build and go run need no
// Node. After changing the sources, run go generate ./internal/web and
// commit the bundles; TestBundle_IsFresh and TestInboxBundle_IsFresh fail
// when they are stale.
package web

//go:generate go run ./build
