// Package browsertest drives a real headless Chromium for the widget's
// browser tests: one Browser per profile, so that two Browsers are two
// devices that share nothing (no localStorage, no cookies).
//
// Chromium comes from Debian (apt-get install chromium). Without it the
// tests are skipped with a message, unless KITH_TEST_REQUIRE_BROWSER is set,
// as in CI, where they fail.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// EnvRequire makes a missing browser fail the tests instead of skipping
// them.
const EnvRequire = "KITH_TEST_REQUIRE_BROWSER"

// Path finds Chromium, or skips (or fails, in CI) the test.
func Path(t testing.TB) string {
	t.Helper()
	for _, name := range []string{os.Getenv("KITH_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(EnvRequire) != "" {
		t.Fatalf("%s is set but no Chromium was found: apt-get install -y chromium", EnvRequire)
	}
	t.Skip("skipping the browser tests: no Chromium (apt-get install -y chromium, or set KITH_CHROMIUM)")
	return ""
}

// Browser is one headless Chromium profile.
type Browser struct {
	t   testing.TB
	ctx context.Context
}

// New starts a headless Chromium with a fresh profile, stopped when the
// test ends.
func New(t testing.TB) *Browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Path(t)),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first Run starts the browser; it must not have a timeout, or the
	// browser would die with it.
	if _, err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return &Browser{t: t, ctx: ctx}
}

// run runs one action with a timeout, failing the test on error.
func run[T any](b *Browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	return v
}

// Navigate opens url.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	run(b, chromedp.Navigate(url))
}

// Eval evaluates a JavaScript expression in the page, awaiting a promise,
// and decodes its value into T.
func Eval[T any](b *Browser, js string) T {
	b.t.Helper()
	return run(b, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

// Do evaluates JavaScript for its effect.
func (b *Browser) Do(js string) {
	b.t.Helper()
	Eval[chromedp.Void](b, js)
}

// WaitFor polls a JavaScript expression until it is truthy, failing the test
// with what after timeout. It polls from Go, each time in the page's
// current document: chromedp.Poll keeps the execution context it started
// in, which a page that is still settling after its load event (a vendor
// loader appending the script from onload) can replace under it.
func (b *Browser) WaitFor(what, js string, timeout time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("Boolean("+js+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		if time.Now().After(deadline) {
			if last != nil {
				b.t.Fatalf("waited %v for %s: %v", timeout, what, last)
			}
			b.t.Fatalf("waited %v for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Keys types keys into the focused element.
func (b *Browser) Keys(keys string) {
	b.t.Helper()
	run(b, chromedp.KeyEvent(keys))
}

// Viewport emulates a viewport of the given size.
func (b *Browser) Viewport(width, height int64) {
	b.t.Helper()
	run(b, chromedp.EmulateViewport(width, height))
}

// Screenshot saves a PNG of the viewport to path.
func (b *Browser) Screenshot(path string) {
	b.t.Helper()
	png := run(b, chromedp.CaptureScreenshot())
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
