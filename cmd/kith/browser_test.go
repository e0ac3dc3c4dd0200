package main_test

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/browsertest"
	"github.com/kith-chat/kith/internal/kithtest"
)

// The widget's browser tests: the real binary serves the widget, a page of
// "the company's site" on another origin embeds it, and headless Chromium
// profiles are the end users' devices. The test plays the company's
// backend, minting session tokens with the app's access token.

const uiWait = 20 * time.Second

// widgetJS evaluates an expression with `root`, the widget's shadow root.
func widgetJS(expr string) string {
	return `(() => { const host = document.querySelector("kith-widget"); const root = host && host.shadowRoot; ` +
		`if (!root) return null; return (` + expr + `); })()`
}

// site is the company's website: pages that embed the widget in each way.
type site struct {
	t     *testing.T
	kith  *server
	appID string
	aat   string
	url   string
	// vendorPages are pages that embed the widget with a vendor's own
	// snippet (vendors_browser_test.go), by path.
	mu          sync.Mutex
	vendorPages map[string]vendorPage
}

var pages = template.Must(template.New("").Parse(`
{{define "head"}}<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme</title></head>
<body><h1>Acme</h1><p>The company's own page.</p>{{end}}

{{define "kith"}}{{template "head"}}
<script src="{{.Kith}}/widget.js"></script>
<script>Kith.init({{.Options}});</script></body></html>{{end}}

{{define "devrev"}}{{template "head"}}
<script>const sessionToken = '{{.Token}}'</script>
<script type="text/javascript" src="{{.Kith}}/static/plug.js"></script>
<script>
(() => {
window.plugSDK.init({
app_id: '{{.AppID}}',
session_token: sessionToken
})})();
</script></body></html>{{end}}
`))

func newSite(t *testing.T) *site {
	t.Helper()
	browsertest.Path(t) // skip before starting anything when there is no browser
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	var app map[string]string
	kithJSON(t, dir, &app, "apps", "create", "--name", "Acme", "--db", db)
	s := &site{t: t, kith: serve(t, dir, "--db", db), appID: app["app_id"], aat: app["access_token"]}
	srv := httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	// A new app serves only Kith's own pages: the company lists its site,
	// from the CLI beside the running server.
	var updated map[string]any
	kithJSON(t, dir, &updated, "apps", "update", s.appID, "--set", "allowed_origins="+s.url, "--db", db)
	return s
}

// serveHTTP renders the company's pages:
//
//	/anon                  Kith.init({app_id})
//	/claimed?ref=R         Kith.init({app_id, identity: {user_ref: R}})
//	/verified?user=U       Kith.init({app_id, session_token}) minted for U
//	/devrev?user=U         the DevRev snippet of the seed, with only the host changed
func (s *site) serveHTTP(w http.ResponseWriter, r *http.Request) {
	opts := map[string]any{"app_id": s.appID}
	name := "kith"
	switch r.URL.Path {
	case "/anon":
	case "/claimed":
		opts["identity"] = map[string]any{"user_ref": r.URL.Query().Get("ref"), "display_name": "Claimed " + r.URL.Query().Get("ref")}
	case "/verified":
		opts["session_token"] = s.mint(r.URL.Query().Get("user"))
	case "/devrev":
		name = "devrev"
	default:
		if page, ok := s.vendorPage(r.URL.Path); ok {
			s.serveVendorPage(w, r, page)
			return
		}
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	err := pages.ExecuteTemplate(w, name, map[string]any{"Kith": s.kith.URL, "Options": opts, "AppID": s.appID,
		"Token": s.mintIf(name == "devrev", r.URL.Query().Get("user"))})
	if err != nil {
		s.t.Error(err)
	}
}

func (s *site) mintIf(ok bool, user string) string {
	if !ok {
		return ""
	}
	return s.mint(user)
}

// mint is the company's backend asking Kith for a session token (M1).
func (s *site) mint(user string) string {
	r := kithtest.Do(s.t, s.kith.URL, "POST", "/internal/auth-tokens.create", map[string]string{"Authorization": s.aat},
		fmt.Sprintf(`{"rev_info":{"user_ref":%q,"user_traits":{"display_name":%q}}}`, user, "User "+user))
	if r.Status != http.StatusCreated {
		s.t.Fatalf("mint: %d %s", r.Status, r.Body)
	}
	return r.JSON(s.t)["access_token"].(string)
}

// agentReply answers the user's most recent conversation through the
// server API, as an agent would.
func (s *site) agentReply(body string) {
	s.t.Helper()
	tok := s.apiToken()
	var list struct {
		Data []struct{ ID string } `json:"data"`
	}
	kithtest.Do(s.t, s.kith.URL, "GET", "/api/v1/conversations", map[string]string{"Authorization": "Bearer " + tok}, nil).Decode(s.t, &list)
	if len(list.Data) == 0 {
		s.t.Fatal("no conversation to reply to")
	}
	r := kithtest.Do(s.t, s.kith.URL, "POST", "/api/v1/conversations/"+list.Data[0].ID+"/messages",
		map[string]string{"Authorization": "Bearer " + tok}, map[string]string{"body": body, "author_name": "Sam from Acme"})
	if r.Status != http.StatusCreated {
		s.t.Fatalf("agent reply: %d %s", r.Status, r.Body)
	}
}

func (s *site) apiToken() string {
	s.t.Helper()
	var tok map[string]any
	kithJSON(s.t, filepath.Dir(s.kith.cmd.Dir), &tok, "tokens", "create", "--app", s.appID, "--scopes", "api",
		"--db", filepath.Join(s.kith.cmd.Dir, "k.db"))
	return tok["access_token"].(string)
}

// visit opens a page of the site in a browser and waits for the widget.
func (s *site) visit(b *browsertest.Browser, path string) {
	s.t.Helper()
	b.Navigate(s.url + path)
	b.WaitFor("the widget to start", `window.Kith && Kith.user() !== null`, uiWait)
}

// say starts a conversation in the open widget and waits for the message to
// show.
func say(b *browsertest.Browser, text string) {
	b.Do(`Kith.open()`)
	b.WaitFor("the conversation list", widgetJS(`[...root.querySelectorAll("button")].some(b => b.textContent.includes("New conversation"))`), uiWait)
	b.Do(widgetJS(`[...root.querySelectorAll("button")].find(b => b.textContent.includes("New conversation")).click()`))
	b.WaitFor("the composer", widgetJS(`root.querySelector("textarea")`), uiWait)
	b.Do(widgetJS(`(root.querySelector("textarea").value = ` + jsString(text) + `, root.querySelector("form.composer").requestSubmit(), true)`))
	waitText(b, "the message to show", text)
}

func waitText(b *browsertest.Browser, what, text string) {
	b.WaitFor(what, widgetJS(`root.textContent.includes(`+jsString(text)+`)`), uiWait)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func user(b *browsertest.Browser) map[string]any {
	return browsertest.Eval[map[string]any](b, `Kith.user()`)
}

// screenshot keeps a picture of the widget: in KITH_SCREENSHOTS when set
// (to look at), else in the test's temporary folder.
func screenshot(t *testing.T, b *browsertest.Browser, name string) {
	b.WaitFor("the widget's animations to end", widgetJS(`root.getAnimations().length === 0`), uiWait)
	dir := os.Getenv("KITH_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	b.Screenshot(filepath.Join(dir, name))
}

func TestBrowser_AnonymousChatGetsALiveAgentReply_M6_W1(t *testing.T) {
	s := newSite(t)
	b := browsertest.New(t)
	s.visit(b, "/anon")
	if u := user(b); u["trust"] != "anonymous" || u["display_name"] == "" {
		t.Fatalf("Kith.user() = %v, want a named anonymous visitor", u)
	}
	say(b, "Hello from a browser")
	s.agentReply("Hi! Sam here, how can I help?")
	waitText(b, "the agent's reply to arrive live", "Sam here, how can I help?")
	screenshot(t, b, "widget-open.png")
}

func TestBrowser_VerifiedUserSeesHistoryInASecondProfile_V2(t *testing.T) {
	s := newSite(t)
	laptop, phone := browsertest.New(t), browsertest.New(t)
	s.visit(laptop, "/verified?user=ada")
	if u := user(laptop); u["trust"] != "verified" {
		t.Fatalf("Kith.user() = %v, want verified", u)
	}
	say(laptop, "Asked from the laptop")
	s.visit(phone, "/verified?user=ada")
	phone.Do(`Kith.open()`)
	waitText(phone, "the laptop's conversation on the phone", "Asked from the laptop")
}

func TestBrowser_UnverifiedUserSeesNothingInASecondProfile_V3(t *testing.T) {
	s := newSite(t)
	first, second := browsertest.New(t), browsertest.New(t)
	s.visit(first, "/claimed?ref=claimed-1")
	if u := user(first); u["trust"] != "unverified" {
		t.Fatalf("Kith.user() = %v, want unverified", u)
	}
	say(first, "Said on device one")
	s.visit(second, "/claimed?ref=claimed-1")
	second.Do(`Kith.open()`)
	second.WaitFor("the empty conversation list", widgetJS(`root.textContent.includes("No conversations yet")`), uiWait)
	if has := browsertest.Eval[bool](second, widgetJS(`root.textContent.includes("Said on device one")`)); has {
		t.Fatal("an unverified user on a second device sees the first device's conversation")
	}
}

func TestBrowser_ShutdownReturnsToAnonymousAndClearsThePage_S4(t *testing.T) {
	s := newSite(t)
	b := browsertest.New(t)
	s.visit(b, "/verified?user=bob")
	say(b, "Secret plans of Bob")
	b.Do(`Kith.shutdown()`)
	b.WaitFor("the anonymous user after shutdown", `Kith.user() !== null && Kith.user().trust === "anonymous"`, uiWait)
	b.Do(`Kith.open()`)
	b.WaitFor("the conversation list", widgetJS(`root.textContent.includes("New conversation")`), uiWait)
	page := browsertest.Eval[string](b, `document.documentElement.outerHTML + (document.querySelector("kith-widget")?.shadowRoot?.innerHTML ?? "")`)
	if strings.Contains(page, "Secret plans of Bob") {
		t.Fatal("after shutdown the previous user's message is still in the page")
	}
}

func TestBrowser_DevRevSnippetWorksWithOnlyTheHostChanged_W2_M1(t *testing.T) {
	s := newSite(t)
	b := browsertest.New(t)
	s.visit(b, "/devrev?user=devrev-user")
	if u := user(b); u["trust"] != "verified" || u["display_name"] != "User devrev-user" {
		t.Fatalf("Kith.user() = %v, want the verified DevRev user", u)
	}
	b.WaitFor("the launcher", widgetJS(`!root.querySelector("button.launcher").hidden`), uiWait)
	b.Do(`window.plugSDK.toggleWidget()`)
	b.WaitFor("the panel to open", widgetJS(`!root.querySelector("[role=dialog]").hidden`), uiWait)
}

func TestBrowser_KeyboardAndPhoneViewport(t *testing.T) {
	s := newSite(t)
	b := browsertest.New(t)
	b.Viewport(375, 667)
	s.visit(b, "/anon")
	b.WaitFor("the launcher", widgetJS(`!root.querySelector("button.launcher").hidden`), uiWait)
	b.Do(widgetJS(`root.querySelector("button.launcher").focus()`))
	b.Keys("\r")
	b.WaitFor("the panel to open from the keyboard", widgetJS(`!root.querySelector("[role=dialog]").hidden`), uiWait)
	if expanded := browsertest.Eval[string](b, widgetJS(`root.querySelector("button.launcher").getAttribute("aria-expanded")`)); expanded != "true" {
		t.Fatalf("aria-expanded = %q on the open launcher", expanded)
	}
	width := browsertest.Eval[float64](b, widgetJS(`root.querySelector("[role=dialog]").getBoundingClientRect().width`))
	if width < 370 {
		t.Fatalf("on a phone the panel is %v px wide, want the full 375", width)
	}
	screenshot(t, b, "widget-phone.png")
	b.Keys("\x1b") // Escape
	b.WaitFor("Escape to close the panel", widgetJS(`root.querySelector("[role=dialog]").hidden`), uiWait)
	b.WaitFor("focus back on the launcher", widgetJS(`root.activeElement === root.querySelector("button.launcher")`), uiWait)
}

// TestBrowser_KithAPIRaisesAnEventForEveryChange_W3 listens with Kith.on
// and plugSDK.onEvent, as a host page would, and checks that each change
// raises its event: opened, closed, an agent's message and the unread count
// while closed, and, for a verified user_ref claimed without proof, the
// auth failure and the user change (V8) followed by ready.
func TestBrowser_KithAPIRaisesAnEventForEveryChange_W3(t *testing.T) {
	s := newSite(t)
	s.mint("vip") // a verified user whose user_ref a page will then claim
	b := browsertest.New(t)
	s.visit(b, "/anon")
	b.Do(`window.heard = []; window.devrev = [];
		for (const name of ["ready", "opened", "closed", "unread", "auth_failure", "message", "user_changed"])
			Kith.on(name, (data) => heard.push({name, data}));
		window.plugSDK.onEvent((e) => devrev.push(e));
		window.stopListening = Kith.on("opened", () => heard.push({name: "opened-again"}));`)
	heard := func(name string) string {
		return `heard.some((e) => e.name === "` + name + `")`
	}

	say(b, "Hello, events") // opens the widget
	b.WaitFor("opened", heard("opened"), uiWait)
	b.Do(`stopListening(); Kith.close()`)
	b.WaitFor("closed", heard("closed"), uiWait)
	if browsertest.Eval[bool](b, heard("opened-again")) != true {
		t.Fatal("the second opened listener did not hear the first open")
	}

	s.agentReply("A reply while the widget is closed")
	b.WaitFor("the agent's message", `heard.some((e) => e.name === "message" && e.data.message.body === "A reply while the widget is closed")`, uiWait)
	b.WaitFor("the unread count", `heard.some((e) => e.name === "unread" && e.data.count === 1) && Kith.unread() === 1`, uiWait)

	b.Do(`Kith.open(); Kith.close()`) // the unsubscribed listener stays quiet
	if n := browsertest.Eval[float64](b, `heard.filter((e) => e.name === "opened-again").length`); n != 1 {
		t.Fatalf("an unsubscribed listener was called %v times, want once (before it unsubscribed)", n)
	}

	b.Do(`Kith.init({app_id: ` + jsString(s.appID) + `, identity: {user_ref: "vip"}})`)
	b.WaitFor("the auth failure", `heard.some((e) => e.name === "auth_failure" && e.data.code === "missing_user_auth_token")`, uiWait)
	b.WaitFor("ready again", `heard.filter((e) => e.name === "ready").length >= 1 && Kith.user().trust === "anonymous"`, uiWait)
	b.WaitFor("the DevRev events", `devrev.some((e) => e.type === "ON_PLUG_WIDGET_OPENED") &&
		devrev.some((e) => e.type === "KITH_AUTH_FAILURE" && e.kith_event === "auth_failure")`, uiWait)
}
