// Command build writes the widget bundle, internal/web/static/widget.js,
// from web/widget/src. Run it with go generate ./internal/web; commit the
// result (TestBundle_IsFresh fails when it is stale).
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
	out := filepath.Join(root, bundle.Output)
	if err := os.WriteFile(out, js, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes)\n", bundle.Output, len(js))
	return nil
}
