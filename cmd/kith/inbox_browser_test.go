package main_test

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/browsertest"
	"github.com/kith-chat/kith/internal/kithtest"
)

// The inbox's browser tests: the real binary serves the inbox at /inbox, an
// agent logs in to it in one Chromium profile, and visitors chat in the
// widget on the company's site in others. Everything between them goes
// through the server, live.

const inboxPassword = "correct horse battery staple"

// A page of the company's site that records every answer the widget's
// requests get and every frame its socket hears, before the widget loads:
// to show that something never reached the visitor's browser at all.
func init() {
	template.Must(vendorTemplates.New("recorded").Parse(`{{template "head"}}
<script>
window.kithHeard = [];
(function () {
  const f = window.fetch;
  window.fetch = function () {
    return f.apply(this, arguments).then(function (r) {
      r.clone().text().then(function (t) { kithHeard.push(t); }, function () {});
      return r;
    });
  };
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener("message", function (e) { kithHeard.push(String(e.data)); });
    }
  };
})();
</script>
<script src={{.Script}}></script>
<script>Kith.init({{.Config}});</script></body></html>`))
}

// recordedPage serves /recorded: the widget on a page that records what
// its requests and socket hear (kithHeard).
func (s *site) recordedPage() {
	s.page("/recorded", vendorPage{tmpl: "recorded", config: func(*http.Request) map[string]any { return map[string]any{"app_id": s.appID} }})
}

// dbFile is the site's database, for the CLI beside the running server.
func (s *site) dbFile() string { return filepath.Join(s.kith.cmd.Dir, "k.db") }

// inboxAgent makes an agent of the organization with the CLI, as an operator
// would, and returns their id.
func (s *site) inboxAgent(org, email, name, role string) string {
	s.t.Helper()
	args := []string{"agents", "create", "--email", email, "--name", name, "--role", role, "--password-file", "-", "--json", "--db", s.dbFile()}
	if org != "" {
		args = append(args, "--org", org)
	}
	out, errOut, code := kithStdin(s.t, s.kith.cmd.Dir, inboxPassword+"\n", args...)
	if code != 0 {
		s.t.Fatalf("agents create %s: exit %d: %s", email, code, errOut)
	}
	var a map[string]any
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		s.t.Fatalf("agents create printed %q", out)
	}
	return a["id"].(string)
}

// inboxLogin opens the inbox in b and logs in there, as a person would: the
// login form first, then the inbox.
func inboxLogin(t *testing.T, b *browsertest.Browser, kithURL, email string) {
	t.Helper()
	b.Navigate(kithURL + "/inbox")
	b.WaitFor("the login form", `document.querySelector("form.login-card #login-email")`, uiWait)
	b.Do(`document.querySelector("#login-email").focus()`)
	b.Keys(email)
	b.Do(`document.querySelector("#login-password").focus()`)
	b.Keys(inboxPassword + "\r")
	b.WaitFor("the inbox after logging in", `document.querySelector("#app .listpane") && !document.querySelector(".login-card")`, uiWait)
	b.WaitFor("the live connection", `document.querySelector(".conn.up")`, uiWait)
}

// inboxHas waits for the inbox's page to contain text in the element that
// selector picks.
func inboxHas(b *browsertest.Browser, what, selector, text string) {
	b.WaitFor(what, `[...document.querySelectorAll(`+jsString(selector)+`)].some((e) => e.textContent.includes(`+jsString(text)+`))`, uiWait)
}

// inboxOpen clicks the conversation whose row shows text.
func inboxOpen(b *browsertest.Browser, text string) {
	inboxHas(b, "the conversation in the list", "#conversation-list .row", text)
	b.Do(`[...document.querySelectorAll("#conversation-list .row")].find((e) => e.textContent.includes(` + jsString(text) + `)).click()`)
	inboxHas(b, "the conversation's thread", "#thread .log", text)
}

// inboxWrite writes in the composer, in the mode the key picks (R or N), and
// sends with Enter.
func inboxWrite(b *browsertest.Browser, key, text string) {
	b.WaitFor("the composer to be idle", `!document.querySelector("#composer-text").value && !document.querySelector(".composer .send").disabled`, uiWait)
	b.Do(`document.activeElement && document.activeElement.blur()`)
	b.Keys(key)
	b.WaitFor("the composer to take the focus", `document.activeElement === document.querySelector("#composer-text")`, uiWait)
	b.Keys(text + "\r")
	inboxHas(b, "the text in the thread", "#thread .log", text)
}

// inboxScreenshot keeps a picture of the inbox: in KITH_SCREENSHOTS when
// set (to look at), else in the test's temporary folder.
func inboxScreenshot(t *testing.T, b *browsertest.Browser, name string) {
	t.Helper()
	b.WaitFor("the page to settle", `document.getAnimations().filter((a) => a.playState === "running").length === 0`, uiWait)
	time.Sleep(150 * time.Millisecond)
	dir := os.Getenv("KITH_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	b.Screenshot(filepath.Join(dir, name))
}

// lowContrast lists the page's text that is under 4.5:1 against the
// background it is drawn on (the nearest opaque one), as WCAG counts it.
const lowContrast = `(() => {
  const rgb = (c) => { const m = c.match(/[\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bg = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
    if ((c[3] ?? 1) >= 0.99) return c; } return [255, 255, 255]; };
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join("");
    if (!text || el.closest(".sr, [hidden], [disabled], option")) continue;
    const s = getComputedStyle(el);
    if (s.visibility === "hidden" || el.getClientRects().length === 0 || Number(s.opacity) < 1) continue;
    const a = lum(rgb(s.color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) out.push(text.slice(0, 30) + " (" + el.className + "): " + ratio.toFixed(2));
  }
  return out;
})()`

// checkContrast fails the test for text under 4.5:1.
func checkContrast(t *testing.T, b *browsertest.Browser, where string) {
	t.Helper()
	if low := browsertest.Eval[[]string](b, lowContrast); len(low) > 0 {
		t.Errorf("%s: text under 4.5:1 contrast:\n%s", where, strings.Join(low, "\n"))
	}
}

// widgetSession starts a widget session over HTTP, as the widget does, and
// returns its token: to fill the inbox with conversations quickly.
func (s *site) widgetSession(body map[string]any) string {
	s.t.Helper()
	body["app_id"] = s.appID
	r := kithtest.Do(s.t, s.kith.URL, "POST", "/widget/v1/sessions", nil, body)
	if r.Status != http.StatusCreated {
		s.t.Fatalf("start a widget session: %d %s", r.Status, r.Body)
	}
	return r.JSON(s.t)["session"].(string)
}

// visitorSays starts a conversation in a widget session over HTTP.
func (s *site) visitorSays(session string, texts ...string) string {
	s.t.Helper()
	auth := map[string]string{"Authorization": "Bearer " + session}
	r := kithtest.Do(s.t, s.kith.URL, "POST", "/widget/v1/conversations", auth, map[string]string{"body": texts[0]})
	if r.Status != http.StatusCreated {
		s.t.Fatalf("start a conversation: %d %s", r.Status, r.Body)
	}
	id := r.JSON(s.t)["conversation"].(map[string]any)["id"].(string)
	for _, text := range texts[1:] {
		if r := kithtest.Do(s.t, s.kith.URL, "POST", "/widget/v1/conversations/"+id+"/messages", auth, map[string]string{"body": text}); r.Status != http.StatusCreated {
			s.t.Fatalf("say %q: %d %s", text, r.Status, r.Body)
		}
	}
	return id
}

// mintFull is the company's backend vouching for a customer with their
// account, workspace and traits (M1).
func (s *site) mintFull(revInfo string) string {
	s.t.Helper()
	r := kithtest.Do(s.t, s.kith.URL, "POST", "/internal/auth-tokens.create", map[string]string{"Authorization": s.aat},
		`{"rev_info":`+revInfo+`}`)
	if r.Status != http.StatusCreated {
		s.t.Fatalf("mint: %d %s", r.Status, r.Body)
	}
	return r.JSON(s.t)["access_token"].(string)
}

func TestInbox_VisitorMessageArrivesLiveAndReplyReachesTheWidget_I1(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "ada@acme.com", "Ada Lovelace", "admin")
	inbox, visitor := browsertest.New(t), browsertest.New(t)

	inboxLogin(t, inbox, s.kith.URL, "ada@acme.com")
	inbox.WaitFor("the empty inbox", `document.querySelector(".listpane .empty")`, uiWait)

	s.visit(visitor, "/anon")
	visitorName := user(visitor)["display_name"].(string)
	say(visitor, "Hello, is anyone there?")

	// The conversation arrives without a reload, unread, counted in the
	// tab's title.
	inboxHas(inbox, "the visitor's message in the list, live", "#conversation-list .row", "Hello, is anyone there?")
	inboxHas(inbox, "the visitor's name on the row", "#conversation-list .row", visitorName)
	inbox.WaitFor("the unread dot", `document.querySelector("#conversation-list .row.unread .unread-dot")`, uiWait)
	inbox.WaitFor("the unread count in the tab's title", `document.title.startsWith("(1) ")`, uiWait)
	if badge := browsertest.Eval[string](inbox, `document.querySelector("#conversation-list .row .badge").textContent`); badge != "Guest" {
		t.Fatalf("the anonymous visitor's badge is %q, want Guest", badge)
	}
	inboxScreenshot(t, inbox, "inbox-new-conversation.png")

	inboxOpen(inbox, "Hello, is anyone there?")
	inbox.WaitFor("the conversation read: no unread count in the title", `!document.title.startsWith("(")`, uiWait)
	inboxWrite(inbox, "r", "Hi! Ada here, how can I help?")
	waitText(visitor, "the inbox's reply in the widget, live", "Ada here, how can I help?")
	waitText(visitor, "the agent's name on the reply", "Ada Lovelace")

	// And the visitor's answer reaches the open thread live.
	visitor.Do(widgetJS(`(root.querySelector("textarea").value = "My order has not arrived", root.querySelector("form.composer").requestSubmit(), true)`))
	inboxHas(inbox, "the visitor's answer in the open thread, live", "#thread .log .from-user", "My order has not arrived")
	if n := browsertest.Eval[float64](inbox, `document.querySelectorAll("#thread .log .msg").length`); n != 3 {
		t.Fatalf("the thread shows %v messages, want 3", n)
	}
	inboxScreenshot(t, inbox, "inbox-live-thread.png")
}

func TestInbox_UserPanelShowsTrustAndHowItWasEarned_I1_R8(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "sam@acme.com", "Sam", "agent")
	var field map[string]any
	s.cli(&field, "fields", "create", "--app", s.appID, "--object", "user", "--name", "tnt__plan", "--type", "enum", "--values", "free,pro")
	inbox := browsertest.New(t)
	inboxLogin(t, inbox, s.kith.URL, "sam@acme.com")

	verified, claimed, anon := browsertest.New(t), browsertest.New(t), browsertest.New(t)
	s.visit(verified, "/verified?user=vera")
	say(verified, "Verified Vera asks")
	s.visit(claimed, "/claimed?ref=claude")
	say(claimed, "Claimed Claude asks")
	s.visit(anon, "/anon")
	say(anon, "A guest asks")

	for _, c := range []struct{ text, badge, method string }{
		{"Verified Vera asks", "Verified", "Verified by session token"},
		{"Claimed Claude asks", "Unverified", "Claimed by the browser (unverified)"},
		{"A guest asks", "Guest", "Anonymous"},
	} {
		inboxOpen(inbox, c.text)
		inbox.WaitFor("the user panel", `document.querySelector("#user-panel .trust-card .trust-method")`, uiWait)
		badge := browsertest.Eval[string](inbox, `document.querySelector("#user-panel .who .badge").textContent`)
		method := browsertest.Eval[string](inbox, `document.querySelector("#user-panel .trust-card .trust-method").textContent`)
		if badge != c.badge || method != c.method {
			t.Errorf("%q: the panel says %q, %q; want %q, %q", c.text, badge, method, c.badge, c.method)
		}
		// How it was earned: when, and the key or token id for a proof.
		if c.badge == "Verified" {
			key := browsertest.Eval[string](inbox, `(document.querySelector("#user-panel .trust-card code.key") || {}).textContent || ""`)
			if key == "" {
				t.Errorf("%q: the panel names no token id", c.text)
			}
		}
		// R8: the identity decisions about the user, in a timeline.
		inbox.WaitFor("the identity events", `document.querySelectorAll("#user-panel .timeline .tl-item").length > 0`, uiWait)
		if c.badge == "Verified" {
			inboxScreenshot(t, inbox, "inbox-user-panel-verified.png")
		}
	}
	// The list tells them apart at a glance too.
	badges := browsertest.Eval[[]string](inbox, `[...document.querySelectorAll("#conversation-list .row .badge")].map((b) => b.textContent).sort()`)
	if strings.Join(badges, ",") != "Guest,Unverified,Verified" {
		t.Errorf("the list's badges are %v", badges)
	}

	// Verified and unverified custom field values are apart.
	tok := s.mintFull(`{"user_ref":"pia","user_traits":{"display_name":"Pia","email":"pia@acme.com","custom_fields":{"tnt__plan":"pro"}}}`)
	pia := s.widgetSession(map[string]any{"session_token": tok})
	s.visitorSays(pia, "Pia asks with a plan")
	bob := s.widgetSession(map[string]any{"identity": map[string]any{"user_ref": "bob", "display_name": "Bob", "custom_fields": map[string]any{"tnt__plan": "free"}}})
	s.visitorSays(bob, "Bob claims a plan")
	inboxOpen(inbox, "Pia asks with a plan")
	inboxHas(inbox, "the verified field", "#user-panel table.fields.verified", "pro")
	if browsertest.Eval[bool](inbox, `!!document.querySelector("#user-panel table.fields.unverified")`) {
		t.Error("a verified user's panel shows unverified fields it has none of")
	}
	inboxOpen(inbox, "Bob claims a plan")
	inboxHas(inbox, "the unverified field", "#user-panel table.fields.unverified", "free")
	inboxHas(inbox, "the unverified field's caption", "#user-panel table.fields.unverified caption", "Unverified")
}

func TestInbox_RevokingASessionFromThePanelEndsTheWidgetsSession_S7(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "ada@acme.com", "Ada", "admin")
	inbox, visitor := browsertest.New(t), browsertest.New(t)
	inboxLogin(t, inbox, s.kith.URL, "ada@acme.com")

	s.visit(visitor, "/verified?user=rita")
	if u := user(visitor); u["trust"] != "verified" {
		t.Fatalf("Kith.user() = %v, want verified", u)
	}
	say(visitor, "Rita's account question")
	inboxOpen(inbox, "Rita's account question")
	inbox.WaitFor("the active session with its Revoke button", `document.querySelector("#user-panel .session.active button[data-session]")`, uiWait)
	inbox.Do(`document.querySelector("#user-panel .session.active button[data-session]").click()`)

	visitor.WaitFor("the widget to go anonymous", `Kith.user() !== null && Kith.user().trust === "anonymous"`, uiWait)
	inbox.WaitFor("the panel to show the session revoked", `!document.querySelector("#user-panel .session.active") &&
		[...document.querySelectorAll("#user-panel .session")].some((e) => e.textContent.includes("Revoked"))`, uiWait)
	inboxHas(inbox, "the revocation in the identity events", "#user-panel .timeline", "Session revoked")

	// Revoke all ends every device of the user at once.
	// Two devices of Rita's, each with its live connection up (the
	// recording page hears its ready frame).
	s.page("/rita", vendorPage{tmpl: "recorded", config: func(*http.Request) map[string]any {
		return map[string]any{"app_id": s.appID, "session_token": s.mint("rita")}
	}})
	laptop, phone := browsertest.New(t), browsertest.New(t)
	for _, b := range []*browsertest.Browser{laptop, phone} {
		s.visit(b, "/rita")
		b.WaitFor("the widget's live connection", `Kith.user().trust === "verified" && kithHeard.some((f) => f.includes('"type":"ready"'))`, uiWait)
	}
	inbox.Do(`document.querySelector("#user-panel .panel-refresh").click()`)
	inbox.WaitFor("two active sessions", `document.querySelectorAll("#user-panel .session.active").length === 2`, uiWait)
	inbox.Do(`document.querySelector("#revoke-all").click()`)
	inbox.WaitFor("the confirmation", `[...document.querySelectorAll(".dialog .btn.danger")].some((b) => b.textContent === "End all sessions")`, uiWait)
	inbox.Do(`document.querySelector(".dialog .btn.danger").click()`)
	for _, b := range []*browsertest.Browser{laptop, phone} {
		b.WaitFor("every device to go anonymous", `Kith.user() !== null && Kith.user().trust === "anonymous"`, uiWait)
	}
	inbox.WaitFor("no active session left", `!document.querySelector("#user-panel .session.active")`, uiWait)
}

func TestInbox_APrivateNoteNeverReachesTheWidgetsPageOrItsNetwork_I1(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "ada@acme.com", "Ada", "admin")
	s.recordedPage()
	inbox, visitor := browsertest.New(t), browsertest.New(t)
	inboxLogin(t, inbox, s.kith.URL, "ada@acme.com")

	s.visit(visitor, "/recorded")
	say(visitor, "Can I get a refund?")
	inboxOpen(inbox, "Can I get a refund?")
	const secret = "Refund fraud suspected: check order 4411 first"
	inboxWrite(inbox, "n", secret)
	if !browsertest.Eval[bool](inbox, `[...document.querySelectorAll("#thread .log .note")].some((e) => e.textContent.includes("Only agents see this") && e.textContent.includes(`+jsString(secret)+`))`) {
		t.Fatal("the note does not show as a private note in the inbox")
	}
	inboxScreenshot(t, inbox, "inbox-note.png")
	// A reply after the note: once the widget has it, anything the note
	// could have sent would have arrived before it.
	inboxWrite(inbox, "r", "Let me look into it.")
	waitText(visitor, "the reply after the note", "Let me look into it.")

	seen := func(b *browsertest.Browser) string {
		return browsertest.Eval[string](b, `document.documentElement.outerHTML + (document.querySelector("kith-widget")?.shadowRoot?.innerHTML ?? "") +
			JSON.stringify(window.kithHeard) + JSON.stringify(Object.entries(localStorage)) + JSON.stringify(Object.entries(sessionStorage))`)
	}
	for _, part := range []string{secret, "4411", "nte_", "note.created"} {
		if strings.Contains(seen(visitor), part) {
			t.Fatalf("%q reached the widget's page, storage or network answers", part)
		}
	}
	// Nor does it come with the history when the page loads again.
	s.visit(visitor, "/recorded")
	visitor.Do(`Kith.open()`)
	waitText(visitor, "the history after a reload", "Let me look into it.")
	visitor.Do(widgetJS(`[...root.querySelectorAll("button")].find((b) => b.textContent.includes("Can I get a refund?") || b.textContent.includes("Let me look into it."))?.click()`))
	time.Sleep(500 * time.Millisecond)
	if page := seen(visitor); strings.Contains(page, secret) || strings.Contains(page, "4411") {
		t.Fatal("the note reached the widget with the conversation's history")
	}
	if !strings.Contains(seen(visitor), "kithHeard") && browsertest.Eval[float64](visitor, `kithHeard.length`) == 0 {
		t.Fatal("the recording page heard nothing: the check above proves nothing")
	}
}

func TestInbox_AnAgentOfAnotherOrganizationSeesNothingOfIt_V6(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "ada@acme.com", "Ada", "admin")
	var other map[string]string
	s.cli(&other, "apps", "create", "--name", "Globex site", "--org", "globex")
	s.inboxAgent("globex", "gil@globex.com", "Gil", "admin")

	visitor := browsertest.New(t)
	s.visit(visitor, "/verified?user=acme-customer")
	say(visitor, "Acme's confidential question")
	mine := browsertest.New(t)
	inboxLogin(t, mine, s.kith.URL, "ada@acme.com")
	inboxOpen(mine, "Acme's confidential question")
	convID := browsertest.Eval[string](mine, `document.querySelector("#conversation-list .row.open").dataset.id`)
	mine.WaitFor("the user panel", `document.querySelector("#user-panel [data-user-id]")`, uiWait)
	userID := browsertest.Eval[string](mine, `document.querySelector("#user-panel [data-user-id]").dataset.userId`)

	theirs := browsertest.New(t)
	inboxLogin(t, theirs, s.kith.URL, "gil@globex.com")
	theirs.WaitFor("Globex's empty inbox", `document.querySelector(".listpane .empty")`, uiWait)
	// A message while Globex's inbox is open: its live connection hears nothing of it.
	visitor.Do(widgetJS(`(root.querySelector("textarea").value = "More Acme secrets", root.querySelector("form.composer").requestSubmit(), true)`))
	inboxHas(mine, "Acme's inbox to hear the message", "#thread .log", "More Acme secrets")
	time.Sleep(time.Second)
	if page := browsertest.Eval[string](theirs, `document.body.textContent`); strings.Contains(page, "Acme") || strings.Contains(page, "acme-customer") {
		t.Fatalf("Globex's inbox shows Acme's conversation:\n%s", page)
	}
	if n := browsertest.Eval[float64](theirs, `document.querySelectorAll("#conversation-list .row").length`); n != 0 {
		t.Fatalf("Globex's inbox lists %v conversations, want none", n)
	}
	// Its id, opened directly, is a conversation that does not exist.
	theirs.Navigate(s.kith.URL + "/inbox/c/" + convID)
	inboxHas(theirs, "the conversation to be unknown", "#thread", "does not exist")
	for _, path := range []string{"/conversations/" + convID, "/conversations/" + convID + "/thread", "/users/" + userID} {
		status := browsertest.Eval[float64](theirs, `fetch("/inbox/api`+path+`").then((r) => r.status)`)
		if status != 404 {
			t.Errorf("GET /inbox/api%s from Globex's inbox: %v, want 404", path, status)
		}
	}
	counts := browsertest.Eval[map[string]any](theirs, `fetch("/inbox/api/conversations/counts").then((r) => r.json())`)
	for k, v := range counts {
		if v != float64(0) {
			t.Errorf("Globex's %s count is %v, want 0", k, v)
		}
	}
	if body := browsertest.Eval[string](theirs, `document.body.textContent`); strings.Contains(body, "Acme's confidential question") {
		t.Fatal("Globex's inbox shows Acme's message")
	}
}

func TestInbox_KeyboardShortcutsAndAPhone_I1(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "ada@acme.com", "Ada", "admin")
	for i, name := range []string{"Ann", "Ben", "Cat"} {
		sess := s.widgetSession(map[string]any{"identity": map[string]any{"user_ref": strings.ToLower(name), "display_name": name}})
		s.visitorSays(sess, fmt.Sprintf("Question %d from %s", i+1, name))
	}
	inbox := browsertest.New(t)
	inboxLogin(t, inbox, s.kith.URL, "ada@acme.com")
	inbox.WaitFor("three conversations", `document.querySelectorAll("#conversation-list .row").length === 3`, uiWait)

	// J and K move through the list; Enter opens.
	inbox.Do(`document.activeElement && document.activeElement.blur()`)
	inbox.WaitFor("the cursor on the first row", `document.querySelectorAll("#conversation-list .row")[0].classList.contains("cursor")`, uiWait)
	inbox.Keys("j")
	inbox.WaitFor("the cursor on the second row", `document.querySelectorAll("#conversation-list .row")[1].classList.contains("cursor")`, uiWait)
	inbox.Keys("k")
	inbox.WaitFor("the cursor back on the first row", `document.querySelectorAll("#conversation-list .row")[0].classList.contains("cursor") && document.activeElement === document.querySelectorAll("#conversation-list .row")[0]`, uiWait)
	inbox.Keys("j")
	inbox.Keys("\r")
	inboxHas(inbox, "the second conversation open", "#thread .log", "Question 2 from Ben")
	if path := browsertest.Eval[string](inbox, `location.pathname`); !strings.HasPrefix(path, "/inbox/c/cnv_") {
		t.Fatalf("the open conversation's address is %q", path)
	}

	// E resolves: out of the open view, into the resolved count.
	inbox.Do(`document.activeElement && document.activeElement.blur()`)
	inbox.Keys("e")
	inbox.WaitFor("the conversation resolved", `document.querySelector("#resolve").textContent.includes("Reopen") && document.querySelectorAll("#conversation-list .row").length === 2`, uiWait)
	inboxHas(inbox, "the resolved count", ".sidebar .view", "Resolved1")

	// / searches; ? shows the shortcut sheet; Escape closes it.
	inbox.Keys("/")
	inbox.WaitFor("the search box focused", `document.activeElement === document.querySelector("#search")`, uiWait)
	inbox.Keys("Cat")
	inbox.WaitFor("the search to find Cat only", `document.querySelectorAll("#conversation-list .row").length === 1 && document.querySelector("#conversation-list .row").textContent.includes("Cat")`, uiWait)
	inbox.Keys("\x1b")
	inbox.Keys("\x1b")
	inbox.Keys("?")
	inbox.WaitFor("the shortcut sheet", `document.querySelector(".dialog[role=dialog]") && document.querySelector(".dialog").textContent.includes("Next conversation")`, uiWait)
	inboxScreenshot(t, inbox, "inbox-shortcuts.png")
	inbox.Keys("\x1b")
	inbox.WaitFor("the sheet closed", `!document.querySelector(".dialog")`, uiWait)

	// The settings menu keeps its choices in this browser.
	inbox.Do(`document.querySelector(".side-foot button[aria-haspopup=menu]").click()`)
	inbox.WaitFor("the settings menu", `document.querySelector(".menu [role=menuitemcheckbox]")`, uiWait)
	inbox.Do(`[...document.querySelectorAll(".menu .menu-item")].find((b) => b.textContent.includes("Sound")).click()`)
	inbox.WaitFor("the sound turned off and remembered", `JSON.parse(localStorage.getItem("kith.inbox.prefs")).sound === false`, uiWait)

	// A phone: one pane at a time, with a way back.
	inbox.Viewport(390, 844)
	inbox.Navigate(s.kith.URL + "/inbox")
	inbox.WaitFor("the list on the phone", `document.querySelectorAll("#conversation-list .row").length === 2`, uiWait)
	visible := func(sel string) string {
		return `(() => { const e = document.querySelector("` + sel + `"); return !!e && e.getBoundingClientRect().width > 0; })()`
	}
	if browsertest.Eval[bool](inbox, visible(".threadpane")) || browsertest.Eval[bool](inbox, visible(".sidebar")) {
		t.Fatal("on a phone the list shares the screen")
	}
	width := browsertest.Eval[float64](inbox, `document.querySelector(".listpane").getBoundingClientRect().width`)
	if width < 385 {
		t.Fatalf("on a phone the list is %v px wide, want the whole 390", width)
	}
	inboxScreenshot(t, inbox, "inbox-phone-list.png")
	inboxOpen(inbox, "Question 3 from Cat")
	if browsertest.Eval[bool](inbox, visible(".listpane")) {
		t.Fatal("on a phone the thread shares the screen with the list")
	}
	inboxScreenshot(t, inbox, "inbox-phone-thread.png")
	inbox.Do(`document.querySelector(".thread-head .back").click()`)
	inbox.WaitFor("back to the list", visible(".listpane")+` && location.pathname === "/inbox"`, uiWait)
	if overflow := browsertest.Eval[bool](inbox, `document.documentElement.scrollWidth > window.innerWidth`); overflow {
		t.Error("the phone's page scrolls sideways")
	}
}

func TestInbox_ScreenshotsOfABusyInbox_I1(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "ada@acme.com", "Ada Lovelace", "admin")
	s.inboxAgent("", "sam@acme.com", "Sam Carter", "agent")
	var field map[string]any
	s.cli(&field, "fields", "create", "--app", s.appID, "--object", "user", "--name", "tnt__plan", "--type", "enum", "--values", "free,pro,enterprise")
	s.cli(&field, "fields", "create", "--app", s.appID, "--object", "user", "--name", "tnt__seats", "--type", "number")

	for _, v := range []struct {
		rev   string
		texts []string
	}{
		{`{"user_ref":"grace-7","account_ref":"globex.com","workspace_ref":"globex-eu","user_traits":{"display_name":"Grace Hopper","email":"grace@globex.com","phone_numbers":["+442079460123"],"custom_fields":{"tnt__plan":"enterprise","tnt__seats":40}},"account_traits":{"display_name":"Globex"},"workspace_traits":{"display_name":"Globex Europe"}}`,
			[]string{"Our SSO login loops back to the start page since this morning.", "It happens for everyone in the EU workspace."}},
		{`{"user_ref":"linus-3","account_ref":"initech.com","user_traits":{"display_name":"Linus Park","email":"linus@initech.com","custom_fields":{"tnt__plan":"pro"}},"account_traits":{"display_name":"Initech"}}`,
			[]string{"Can I move our invoices to a new billing address?"}},
	} {
		sess := s.widgetSession(map[string]any{"session_token": s.mintFull(v.rev)})
		s.visitorSays(sess, v.texts...)
	}
	claimed := s.widgetSession(map[string]any{"identity": map[string]any{"user_ref": "mia-22", "display_name": "Mia Wong", "email": "mia@example.org", "custom_fields": map[string]any{"tnt__plan": "pro"}}})
	s.visitorSays(claimed, "I was charged twice for March, can you check?")
	for _, text := range []string{"Do you ship to Norway?", "Is there a student discount?"} {
		s.visitorSays(s.widgetSession(map[string]any{}), text)
	}

	inbox := browsertest.New(t)
	inbox.Viewport(1280, 800)
	inboxLogin(t, inbox, s.kith.URL, "ada@acme.com")
	inbox.WaitFor("the list", `document.querySelectorAll("#conversation-list .row").length === 5`, uiWait)
	inboxScreenshot(t, inbox, "inbox-list.png")
	checkContrast(t, inbox, "the list")

	inboxOpen(inbox, "Grace Hopper")
	inbox.Do(`document.querySelector("#assignee").value = document.querySelector("#assignee option:nth-child(2)").value; document.querySelector("#assignee").dispatchEvent(new Event("change"))`)
	inboxHas(inbox, "the assignment", "#conversation-list .row.open .assignee", "You")
	inboxWrite(inbox, "n", "Grace is on the enterprise plan: their SSO config changed yesterday, see the audit log.")
	inboxWrite(inbox, "r", "Thanks Grace, we are looking at it now. Did anything change in your identity provider yesterday?")
	inbox.WaitFor("the panel", `document.querySelector("#user-panel .trust-card")`, uiWait)
	inboxScreenshot(t, inbox, "inbox-thread.png")
	checkContrast(t, inbox, "a thread with a note")

	inboxOpen(inbox, "charged twice")
	inbox.WaitFor("the panel", `document.querySelector("#user-panel .trust-card.trust-unverified")`, uiWait)
	inboxScreenshot(t, inbox, "inbox-user-panel.png")
	checkContrast(t, inbox, "an unverified user's panel")

	inbox.Navigate(s.kith.URL + "/inbox/settings/agents")
	inbox.WaitFor("the agents page", `document.querySelectorAll("#settings table.grid tbody tr").length === 2`, uiWait)
	inboxScreenshot(t, inbox, "inbox-agents.png")
	checkContrast(t, inbox, "the agents page")

	door := browsertest.New(t)
	door.Viewport(1280, 800)
	door.Navigate(s.kith.URL + "/inbox")
	door.WaitFor("the login form", `document.querySelector("#login-email")`, uiWait)
	inboxScreenshot(t, door, "inbox-login.png")
	checkContrast(t, door, "the login page")
}

func TestInbox_LoginRefusalsLogoutAndADisabledAgentCutOffAtOnce_I3(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "ada@acme.com", "Ada", "admin")
	s.inboxAgent("", "sam@acme.com", "Sam", "agent")
	ada, sam := browsertest.New(t), browsertest.New(t)

	// A wrong password is refused in words, and the focus goes back to it.
	sam.Navigate(s.kith.URL + "/inbox")
	sam.WaitFor("the login form", `document.querySelector("#login-email")`, uiWait)
	sam.Do(`document.querySelector("#login-email").focus()`)
	sam.Keys("sam@acme.com")
	sam.Do(`document.querySelector("#login-password").focus()`)
	sam.Keys("not the password\r")
	sam.WaitFor("the refusal", `document.querySelector("#login-error").textContent.includes("do not match")`, uiWait)
	if !browsertest.Eval[bool](sam, `document.activeElement === document.querySelector("#login-password") && document.querySelector("#login-password").getAttribute("aria-invalid") === "true"`) {
		t.Error("after a wrong password the focus is not on the password, marked invalid")
	}
	inboxScreenshot(t, sam, "inbox-login-refused.png")

	inboxLogin(t, sam, s.kith.URL, "sam@acme.com")
	// An agent has no Agents page: the menu does not offer it, its address shows the inbox.
	sam.Do(`document.querySelector(".side-foot button[aria-haspopup=menu]").click()`)
	sam.WaitFor("the menu", `document.querySelector(".menu .menu-item")`, uiWait)
	if browsertest.Eval[bool](sam, `[...document.querySelectorAll(".menu .menu-item")].some((b) => b.textContent === "Agents")`) {
		t.Error("an agent's menu offers the Agents page")
	}
	sam.Keys("\x1b")

	// An admin disables Sam from the Agents page: Sam's open inbox is cut off at once.
	inboxLogin(t, ada, s.kith.URL, "ada@acme.com")
	ada.Do(`document.querySelector(".side-foot button[aria-haspopup=menu]").click()`)
	ada.WaitFor("the menu", `document.querySelector(".menu .menu-item")`, uiWait)
	ada.Do(`[...document.querySelectorAll(".menu .menu-item")].find((b) => b.textContent === "Agents").click()`)
	ada.WaitFor("the agents page", `location.pathname === "/inbox/settings/agents" && document.querySelectorAll("#settings table.grid tbody tr").length === 2`, uiWait)
	ada.Do(`document.querySelector("#settings button[aria-label='Disable Sam']").click()`)
	ada.WaitFor("the confirmation", `document.querySelector(".dialog .btn.danger")`, uiWait)
	ada.Do(`document.querySelector(".dialog .btn.danger").click()`)
	ada.WaitFor("Sam disabled", `[...document.querySelectorAll("#settings tr")].some((r) => r.textContent.includes("Sam") && r.textContent.includes("Disabled"))`, uiWait)
	sam.WaitFor("Sam's inbox to return to the login form", `document.querySelector(".login-card") && !document.querySelector("#app")`, uiWait)
	sam.WaitFor("the reason", `document.querySelector(".login-card .notice") && document.querySelector(".login-card .notice").textContent.includes("ended")`, uiWait)

	// An admin adds an agent, who can log in at once.
	ada.Do(`document.querySelector("#add-agent").click()`)
	ada.WaitFor("the add agent dialog", `document.activeElement === document.querySelector("#agent-name")`, uiWait)
	ada.Keys("Lee")
	ada.Do(`document.querySelector("#agent-email").focus()`)
	ada.Keys("lee@acme.com")
	ada.Do(`document.querySelector("#agent-password").focus()`)
	ada.Keys(inboxPassword + "\r")
	ada.WaitFor("Lee in the list", `!document.querySelector(".dialog") && [...document.querySelectorAll("#settings tr")].some((r) => r.textContent.includes("lee@acme.com"))`, uiWait)
	inboxScreenshot(t, ada, "inbox-agents-page.png")
	inboxLogin(t, browsertest.New(t), s.kith.URL, "lee@acme.com")

	// Ada's own sessions: this browser among them, marked.
	ada.Navigate(s.kith.URL + "/inbox/settings/sessions")
	inboxHas(ada, "this browser among Ada's sessions", "#settings .agent-session", "This browser")

	// Logging out returns to the login form, and the cookie no longer opens the inbox.
	ada.Do(`document.querySelector(".side-foot button[aria-haspopup=menu]").click()`)
	ada.WaitFor("the menu", `document.querySelector(".menu .menu-item")`, uiWait)
	ada.Do(`[...document.querySelectorAll(".menu .menu-item")].find((b) => b.textContent === "Log out").click()`)
	ada.WaitFor("the login form after logging out", `document.querySelector(".login-card #login-email")`, uiWait)
	if status := browsertest.Eval[float64](ada, `fetch("/inbox/api/me").then((r) => r.status)`); status != 401 {
		t.Fatalf("after logging out GET /inbox/api/me answers %v, want 401", status)
	}
}

func TestInbox_ListPagesByCursorAndViewsCountWhatTheyShow_I1(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "ada@acme.com", "Ada", "admin")
	for i := 1; i <= 33; i++ {
		s.visitorSays(s.widgetSession(map[string]any{}), fmt.Sprintf("Question number %d", i))
	}
	inbox := browsertest.New(t)
	inboxLogin(t, inbox, s.kith.URL, "ada@acme.com")
	rows := `document.querySelectorAll("#conversation-list .row").length`
	inbox.WaitFor("the first page", rows+` === 30 && document.querySelector("#load-more")`, uiWait)
	inboxHas(inbox, "the open count", ".sidebar .view", "Open33")
	inbox.Do(`document.querySelector("#load-more").click()`)
	inbox.WaitFor("the second page", rows+` === 33 && !document.querySelector("#load-more")`, uiWait)
	ids := browsertest.Eval[[]string](inbox, `[...document.querySelectorAll("#conversation-list .row")].map((r) => r.dataset.id)`)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("conversation %s is listed twice", id)
		}
		seen[id] = true
	}

	// Snoozed for an hour, the newest leaves Open for Snoozed.
	inboxOpen(inbox, "Question number 33")
	inbox.Do(`document.querySelector(".thread-actions button[aria-label=Snooze]").click()`)
	inbox.WaitFor("the snooze menu", `document.querySelector(".menu .menu-item")`, uiWait)
	inbox.Do(`[...document.querySelectorAll(".menu .menu-item")].find((b) => b.textContent === "For 1 hour").click()`)
	inbox.WaitFor("the conversation snoozed", `document.querySelector(".thread-sub .status-pill.snoozed") && `+rows+` === 32`, uiWait)
	inboxHas(inbox, "the snoozed count", ".sidebar .view", "Snoozed1")
	inbox.Do(`[...document.querySelectorAll(".sidebar .view")].find((b) => b.textContent.startsWith("Snoozed")).click()`)
	inbox.WaitFor("the snoozed view", rows+` === 1 && document.querySelector("#conversation-list .row .tag.snoozed")`, uiWait)
	if title := browsertest.Eval[string](inbox, `document.querySelector("#list-title").textContent`); title != "Snoozed" {
		t.Errorf("the list's title is %q", title)
	}

	// Assigned to me, it is in Mine.
	inbox.Do(`document.querySelector("#assignee").value = ` + jsString("") + `; [...document.querySelectorAll("#assignee option")].find((o) => o.textContent.startsWith("Me")).selected = true; document.querySelector("#assignee").dispatchEvent(new Event("change"))`)
	inboxHas(inbox, "the assignment on the row", "#conversation-list .row.open .assignee", "You")
	inbox.Do(`[...document.querySelectorAll(".sidebar .view")].find((b) => b.textContent.startsWith("Open")).click()`)
	inbox.Do(`[...document.querySelectorAll(".sidebar .view")].find((b) => b.textContent.startsWith("Mine")).click()`)
	inbox.WaitFor("Mine, among the open ones: none", `document.querySelector(".listpane .empty")`, uiWait)
	inbox.Do(`[...document.querySelectorAll(".sidebar .view")].find((b) => b.textContent.startsWith("Snoozed")).click()`)
	inbox.WaitFor("Mine among the snoozed: the one", rows+` === 1`, uiWait)
	if path := browsertest.Eval[string](inbox, `location.search`); !strings.Contains(path, "status=snoozed") || !strings.Contains(path, "assignee=me") {
		t.Errorf("the view is not in the address: %q", path)
	}
}

func TestInbox_TheThreadShowsWhereTrustChanged_I1_S5(t *testing.T) {
	s := newSite(t)
	s.set("on_login=claim")
	s.inboxAgent("", "ada@acme.com", "Ada", "admin")
	visitor := browsertest.New(t)
	s.visit(visitor, "/anon")
	say(visitor, "Asked before logging in")
	// The same browser logs in: its anonymous history becomes the verified user's.
	s.visit(visitor, "/verified?user=val")
	if u := user(visitor); u["trust"] != "verified" {
		t.Fatalf("Kith.user() = %v, want verified", u)
	}
	inbox := browsertest.New(t)
	inboxLogin(t, inbox, s.kith.URL, "ada@acme.com")
	inboxOpen(inbox, "Asked before logging in")
	inboxHas(inbox, "the mark where trust changed", "#thread .log .trust-mark", "Trust changed from Guest to Verified · Verified by session token")
	if badge := browsertest.Eval[string](inbox, `document.querySelector("#thread .thread-title .badge").textContent`); badge != "Verified" {
		t.Errorf("the thread's user is %q, want Verified", badge)
	}
}

// fakeAlerts stands in for a hidden tab, the browser's notifications
// (allowed) and its audio, recording what the inbox asks of them.
const fakeAlerts = `(() => {
  window.hiddenTab = true; window.notified = []; window.beeps = 0;
  Object.defineProperty(document, "hidden", { get: () => window.hiddenTab, configurable: true });
  window.Notification = class {
    static permission = "granted";
    static requestPermission() { return Promise.resolve("granted"); }
    constructor(title, opts) { notified.push({ title, body: opts && opts.body }); }
    close() {}
  };
  const node = () => ({ connect: (n) => n, start() {}, stop() {}, type: "", frequency: { value: 0 },
    gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} } });
  window.AudioContext = class {
    constructor() { this.currentTime = 0; this.state = "running"; this.destination = {}; }
    resume() { return Promise.resolve(); }
    createOscillator() { beeps++; return node(); }
    createGain() { return node(); }
  };
})()`

func TestInbox_AHiddenTabIsToldBySoundAndNotification_I1(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "ada@acme.com", "Ada", "admin")
	inbox := browsertest.New(t)
	inboxLogin(t, inbox, s.kith.URL, "ada@acme.com")
	inbox.Do(fakeAlerts)

	// Hidden: a new conversation beeps and notifies.
	sess := s.widgetSession(map[string]any{"identity": map[string]any{"user_ref": "nia", "display_name": "Nia"}})
	conv := s.visitorSays(sess, "Anyone there?")
	inbox.WaitFor("the notification", `notified.some((n) => n.title === "New conversation from Nia" && n.body === "Anyone there?") && beeps > 0`, uiWait)
	inbox.WaitFor("the unread count in the title", `document.title.startsWith("(1) ")`, uiWait)
	auth := map[string]string{"Authorization": "Bearer " + sess}
	visitorSay := func(text string) {
		if r := kithtest.Do(t, s.kith.URL, "POST", "/widget/v1/conversations/"+conv+"/messages", auth, map[string]string{"body": text}); r.Status != http.StatusCreated {
			t.Fatalf("say %q: %d %s", text, r.Status, r.Body)
		}
		inboxHas(inbox, "the message in the list", "#conversation-list .row", text)
	}
	visitorSay("Hello again")
	inbox.WaitFor("the second notification", `notified.some((n) => n.title === "Nia" && n.body === "Hello again")`, uiWait)

	// Visible: nothing rings.
	inbox.Do(`hiddenTab = false; notified = []; beeps = 0`)
	visitorSay("While you look")
	// Both off, in the settings menu: a hidden tab stays quiet too, and the choice is remembered.
	inbox.Do(`hiddenTab = true`)
	for _, item := range []string{"Sound", "Desktop notifications"} {
		inbox.Do(`document.querySelector(".side-foot button[aria-haspopup=menu]").click()`)
		inbox.WaitFor("the settings menu", `document.querySelector(".menu [role=menuitemcheckbox][aria-checked=true]")`, uiWait)
		inbox.Do(`[...document.querySelectorAll(".menu .menu-item")].find((b) => b.textContent.startsWith(` + jsString(item) + `)).click()`)
	}
	inbox.WaitFor("both off, remembered", `(() => { const p = JSON.parse(localStorage.getItem("kith.inbox.prefs")); return p.sound === false && p.notifications === false; })()`, uiWait)
	visitorSay("While you are away")
	time.Sleep(300 * time.Millisecond)
	if n := browsertest.Eval[float64](inbox, `notified.length + beeps`); n != 0 {
		t.Fatalf("%v notifications and beeps with the tab visible or both turned off, want none", n)
	}
}

// TestInbox_TheListNarrowsToAnAccountOrAWorkspace_I1: from the user panel
// an agent lists the conversations of the user's account or workspace; the
// address keeps it, new conversations of others stay out, and the chip
// widens the list again.
func TestInbox_TheListNarrowsToAnAccountOrAWorkspace_I1(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "sam@acme.com", "Sam", "agent")
	start := func(user, account, workspace, text string) {
		info := `{"user_ref":"` + user + `","user_traits":{"display_name":"` + user + `"},"account_ref":"` + account + `","account_traits":{"display_name":"` + account + ` Inc"}`
		if workspace != "" {
			info += `,"workspace_ref":"` + workspace + `"`
		}
		s.visitorSays(s.widgetSession(map[string]any{"session_token": s.mintFull(info + "}")}), text)
	}
	start("ada", "acme.com", "support", "Ada of Acme support asks")
	start("bob", "acme.com", "billing", "Bob of Acme billing asks")
	start("cy", "globex.com", "", "Cy of Globex asks")
	inbox := browsertest.New(t)
	inboxLogin(t, inbox, s.kith.URL, "sam@acme.com")
	rows := func() string {
		return strings.Join(browsertest.Eval[[]string](inbox, `[...document.querySelectorAll("#conversation-list .row .row-name")].map((e) => e.textContent).sort()`), ",")
	}
	waitRows := func(what, want string) {
		t.Helper()
		inbox.WaitFor(what, `[...document.querySelectorAll("#conversation-list .row .row-name")].map((e) => e.textContent).sort().join(",") === `+jsString(want), uiWait)
	}
	waitRows("every conversation", "ada,bob,cy")

	// The account, from Ada's panel.
	inboxOpen(inbox, "Ada of Acme support asks")
	inbox.WaitFor("the account in the panel", `document.querySelector("#user-panel button[aria-label='List the conversations of account acme.com Inc']")`, uiWait)
	inbox.Do(`document.querySelector("#user-panel button[aria-label='List the conversations of account acme.com Inc']").click()`)
	waitRows("the account's conversations", "ada,bob")
	inboxHas(inbox, "the chip", ".filter-chips .narrowed", "Account: acme.com Inc")
	if !browsertest.Eval[bool](inbox, `new URLSearchParams(location.search).get("account_id").startsWith("acc_")`) {
		t.Errorf("the address does not keep the account: %s", browsertest.Eval[string](inbox, `location.href`))
	}
	// Live: another account's new conversation stays out, this one's comes in.
	start("dan", "globex.com", "", "Dan of Globex asks")
	start("eve", "acme.com", "", "Eve of Acme asks")
	waitRows("Eve's conversation, live", "ada,bob,eve")
	// A reload keeps the view.
	inbox.Navigate(browsertest.Eval[string](inbox, `location.href`))
	waitRows("the account's conversations after a reload", "ada,bob,eve")
	inboxHas(inbox, "the chip after a reload", ".filter-chips .narrowed", "Account: acme.com Inc")
	inboxScreenshot(t, inbox, "inbox-narrowed.png")
	checkContrast(t, inbox, "a list narrowed to an account")

	// The chip widens the list again.
	inbox.Do(`document.querySelector(".filter-chips .chip-x").click()`)
	waitRows("every conversation again", "ada,bob,cy,dan,eve")
	if browsertest.Eval[bool](inbox, `!document.querySelector(".filter-chips").hidden`) {
		t.Error("the chips stay after the list was widened")
	}

	// A workspace, from Bob's panel.
	inboxOpen(inbox, "Bob of Acme billing asks")
	inbox.WaitFor("the workspace in the panel", `document.querySelector("#user-panel button[aria-label='List the conversations of workspace billing']")`, uiWait)
	inbox.Do(`document.querySelector("#user-panel button[aria-label='List the conversations of workspace billing']").click()`)
	waitRows("the workspace's conversations", "bob")
	inboxHas(inbox, "the chip", ".filter-chips .narrowed", "Workspace: billing")
	if got := rows(); got != "bob" {
		t.Fatalf("narrowed to billing the list shows %s", got)
	}
}

// TestInbox_TypingShowsBothWaysButNeverForANote_I1: the visitor's typing
// shows in the inbox's thread and list; the agent's reply shows as typing
// in the widget, with the agent's name, until it arrives; a private note
// being written is never announced to the widget.
func TestInbox_TypingShowsBothWaysButNeverForANote_I1(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "ada@acme.com", "Ada Lovelace", "admin")
	s.recordedPage()
	inbox, visitor := browsertest.New(t), browsertest.New(t)
	inboxLogin(t, inbox, s.kith.URL, "ada@acme.com")
	s.visit(visitor, "/recorded")
	say(visitor, "Is my order late?")
	inboxOpen(inbox, "Is my order late?")

	// The visitor writes, and the agent sees it in the thread and the list.
	visitor.Do(widgetJS(`root.querySelector("textarea").focus()`))
	visitor.Keys("It was due")
	inbox.WaitFor("the visitor typing in the thread", `document.querySelector("#typing-line").textContent.endsWith("is typing…")`, uiWait)
	inboxHas(inbox, "the visitor typing in the list", "#conversation-list .row .row-preview.typing", "Typing…")
	inboxScreenshot(t, inbox, "inbox-typing.png")

	// A note being written announces nothing: once the widget has the
	// reply sent after it (not from the composer), anything the note sent
	// would have come before.
	inboxWrite(inbox, "n", "Courier lost it, refund quietly")
	s.agentReply("Checking with the courier now.")
	waitText(visitor, "the reply after the note", "Checking with the courier now.")
	if heard := browsertest.Eval[string](visitor, `JSON.stringify(kithHeard)`); strings.Contains(heard, "typing.agent") {
		t.Fatal("writing a private note was announced to the widget as typing")
	}

	// A reply being written shows in the widget with the agent's name,
	// and its arrival ends it.
	inbox.Do(`document.activeElement && document.activeElement.blur()`)
	inbox.Keys("r")
	inbox.WaitFor("the composer", `document.activeElement === document.querySelector("#composer-text")`, uiWait)
	inbox.Keys("It left the depot")
	visitor.WaitFor("the agent typing in the widget", widgetJS(`!root.querySelector(".typing").hidden && root.querySelector(".typing").textContent === "Ada Lovelace is typing…"`), uiWait)
	screenshot(t, visitor, "widget-typing.png")
	inbox.Keys(" this morning.\r")
	waitText(visitor, "the reply", "It left the depot this morning.")
	visitor.WaitFor("the indicator to end with the reply", widgetJS(`root.querySelector(".typing").hidden`), uiWait)
}
