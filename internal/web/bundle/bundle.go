// Package bundle builds the widget script and the inbox's script and
// stylesheet from their TypeScript and CSS sources with esbuild's Go API, so
// that neither the build nor the tests need Node. The generator
// (internal/web/build, run by go generate) and the freshness tests both call
// Build and BuildInbox, so the options they use cannot drift apart.
//
// It is a package of its own so that the kith binary, which only serves the
// committed bundle, does not link esbuild.
package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Paths inside the module.
const (
	// Entry is the widget's entry point.
	Entry = "web/widget/src/main.ts"
	// Stylesheet is the widget's CSS, minified into the bundle as KITH_CSS.
	Stylesheet = "web/widget/src/widget.css"
	// Output is the committed bundle that internal/web embeds.
	Output = "internal/web/static/widget.js"
)

// Options are the esbuild options of the widget bundle, given the module
// root and the minified stylesheet.
func Options(root, css string) api.BuildOptions {
	quoted, _ := json.Marshal(css) // a string always marshals
	return api.BuildOptions{
		EntryPoints:       []string{filepath.Join(root, Entry)},
		AbsWorkingDir:     root,
		Tsconfig:          filepath.Join(root, "web/widget/tsconfig.json"),
		Bundle:            true,
		Write:             false,
		Outfile:           "widget.js",
		Format:            api.FormatIIFE,
		Platform:          api.PlatformBrowser,
		Target:            api.ES2019,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsNone,
		Sourcemap:         api.SourceMapNone,
		Define:            map[string]string{"KITH_CSS": string(quoted)},
		LogLevel:          api.LogLevelSilent,
	}
}

// Build bundles the widget from the sources under the module root and
// returns the script. The same sources always give the same bytes.
func Build(root string) ([]byte, error) {
	css, err := minifyCSS(root, Stylesheet)
	if err != nil {
		return nil, err
	}
	res := api.Build(Options(root, css))
	if err := messages("widget.js", res.Errors); err != nil {
		return nil, err
	}
	if len(res.OutputFiles) != 1 {
		return nil, fmt.Errorf("bundle: esbuild wrote %d files, want 1", len(res.OutputFiles))
	}
	return res.OutputFiles[0].Contents, nil
}

// minifyCSS reads a stylesheet under the module root and minifies it.
func minifyCSS(root, path string) (string, error) {
	src, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		return "", err
	}
	css := api.Transform(string(src), api.TransformOptions{
		Loader:           api.LoaderCSS,
		MinifyWhitespace: true,
		MinifySyntax:     true,
		Charset:          api.CharsetUTF8,
		LegalComments:    api.LegalCommentsNone,
		Sourcefile:       path,
		LogLevel:         api.LogLevelSilent,
	})
	if err := messages(filepath.Base(path), css.Errors); err != nil {
		return "", err
	}
	return strings.TrimSpace(string(css.Code)), nil
}

func messages(what string, msgs []api.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "bundle: %s:", what)
	for _, m := range msgs {
		if m.Location != nil {
			fmt.Fprintf(&b, "\n  %s:%d:%d: %s", m.Location.File, m.Location.Line, m.Location.Column, m.Text)
		} else {
			fmt.Fprintf(&b, "\n  %s", m.Text)
		}
	}
	return errors.New(b.String())
}

// Root finds the module root (the directory with go.mod) at or above dir.
func Root(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("bundle: no go.mod above the working directory")
		}
		dir = parent
	}
}

// The inbox's paths inside the module. Its stylesheet is a file of its own
// (the page loads it with style-src 'self'), not a string in the script.
const (
	// InboxEntry is the inbox's entry point.
	InboxEntry = "web/inbox/src/main.ts"
	// InboxStylesheet is the inbox's CSS.
	InboxStylesheet = "web/inbox/src/inbox.css"
	// InboxScript and InboxStyles are the committed files internal/web embeds.
	InboxScript = "internal/web/static/inbox.js"
	InboxStyles = "internal/web/static/inbox.css"
)

// InboxOptions are the esbuild options of the inbox's script, given the
// module root.
func InboxOptions(root string) api.BuildOptions {
	return api.BuildOptions{
		EntryPoints:       []string{filepath.Join(root, InboxEntry)},
		AbsWorkingDir:     root,
		Tsconfig:          filepath.Join(root, "web/inbox/tsconfig.json"),
		Bundle:            true,
		Write:             false,
		Outfile:           "inbox.js",
		Format:            api.FormatIIFE,
		Platform:          api.PlatformBrowser,
		Target:            api.ES2020,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsNone,
		Sourcemap:         api.SourceMapNone,
		LogLevel:          api.LogLevelSilent,
	}
}

// BuildInbox bundles the inbox from the sources under the module root and
// returns its script and its minified stylesheet. The same sources always
// give the same bytes.
func BuildInbox(root string) (js, css []byte, err error) {
	style, err := minifyCSS(root, InboxStylesheet)
	if err != nil {
		return nil, nil, err
	}
	res := api.Build(InboxOptions(root))
	if err := messages("inbox.js", res.Errors); err != nil {
		return nil, nil, err
	}
	if len(res.OutputFiles) != 1 {
		return nil, nil, fmt.Errorf("bundle: esbuild wrote %d files for the inbox, want 1", len(res.OutputFiles))
	}
	return res.OutputFiles[0].Contents, []byte(style + "\n"), nil
}
