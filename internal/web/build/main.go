// Command build writes the widget bundle, internal/web/static/widget.js,
// from web/widget/src, and the inbox's, internal/web/static/inbox.js and
// inbox.css, from web/inbox/src. Run it with go generate ./internal/web;
// commit the result (TestBundle_IsFresh and TestInboxBundle_IsFresh fail
// when it is stale).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/kith-chat/kith/internal/web/bundle"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	root, err := bundle.Root(".")
	if err != nil {
		return err
	}
	js, err := bundle.Build(root)
	if err != nil {
		return err
	}
	inboxJS, inboxCSS, err := bundle.BuildInbox(root)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		path string
		data []byte
	}{{bundle.Output, js}, {bundle.InboxScript, inboxJS}, {bundle.InboxStyles, inboxCSS}} {
		if err := os.WriteFile(filepath.Join(root, f.path), f.data, 0o644); err != nil {
			return err
		}
		fmt.Printf("wrote %s (%d bytes)\n", f.path, len(f.data))
	}
	return nil
}
