package main_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kith-chat/kith/internal/browsertest"
	"github.com/kith-chat/kith/internal/kithtest"
)

// Each vendor's embed code, as its documentation gives it, on the company's
// site with only the script URL changed (and the vendor's ids either kept,
// registered on the app as an alias, or replaced by the app's id): W2.
// The test plays the company's backend, which signs user hashes with the
// app's verification secret (M3) or mints session tokens (M1, M2).

// vendorPage is a page of the company's site that embeds the widget with
// a vendor's snippet: tmpl names the snippet, config builds the vendor's
// configuration for a request.
type vendorPage struct {
	tmpl   string
	config func(r *http.Request) map[string]any
}

var vendorTemplates = template.Must(template.New("").Parse(`
{{define "head"}}<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme</title></head>
<body><h1>Acme</h1><p>The company's own page.</p>{{end}}

{{define "helpshift"}}{{template "head"}}
<script>
window.hsEvents = [];
window.helpshiftConfig = {{.Config}};
</script>
<script>
!function(t,e){if("function"!=typeof window.Helpshift){var n=function(){n.q.push(arguments)};n.q=[],window.Helpshift=n;var i,a=t.getElementsByTagName("script")[0];if(t.getElementById(e))return;i=t.createElement("script"),i.async=!0,i.id=e,i.src={{.Script}};var o=function(){window.Helpshift("init")};window.attachEvent?i.attachEvent("onload",o):i.addEventListener("load",o,!1),a.parentNode.insertBefore(i,a)}else window.Helpshift("update")}(document,"hs-chat");
Helpshift("addEventListener", "userAuthFailure", function (data) { hsEvents.push({name: "userAuthFailure", data: data}); });
Helpshift("addEventListener", "widgetToggle", function (data) { hsEvents.push({name: "widgetToggle", data: data}); });
Helpshift("addEventListener", "newUnreadMessages", function (data) { hsEvents.push({name: "newUnreadMessages", data: data}); });
</script></body></html>{{end}}

{{define "helpcrunch"}}{{template "head"}}
<script type="text/javascript">
  (function(w,d){
    w.HelpCrunch=function(){w.HelpCrunch.q.push(arguments)};w.HelpCrunch.q=[];
    function r(){var s=document.createElement('script');s.async=1;s.type='text/javascript';s.src={{.Script}};(d.body||d.head).appendChild(s);}
    if(w.attachEvent){w.attachEvent('onload',r)}else{w.addEventListener('load',r,false)}
  })(window, document)
</script>
<script type="text/javascript">
  window.hcEvents = [];
  HelpCrunch('init', {{.Config.organization}}, {{.Config.settings}});
  HelpCrunch('showChatWidget');
  HelpCrunch('onReady', function () { hcEvents.push({name: "ready"}); });
  HelpCrunch('onNewUnreadChat', function (e) { hcEvents.push({name: "newUnreadChat", data: e}); });
</script></body></html>{{end}}

{{define "opencx"}}{{template "head"}}
<script src={{.Script}}></script>
<script>
  window.ocxEvents = [];
  document.addEventListener("DOMContentLoaded", function () {
    // Open CX has no failure event: the page listens to Kith's.
    Kith.on("auth_failure", function (e) { ocxEvents.push(e); });
    initOpenScript({{.Config}});
  });
</script></body></html>{{end}}
`))

// page adds a vendor page to the site.
func (s *site) page(path string, p vendorPage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vendorPages == nil {
		s.vendorPages = map[string]vendorPage{}
	}
	s.vendorPages[path] = p
}

func (s *site) vendorPage(path string) (vendorPage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.vendorPages[path]
	return p, ok
}

func (s *site) serveVendorPage(w http.ResponseWriter, r *http.Request, p vendorPage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	data := map[string]any{"Script": s.kith.URL + "/widget.js", "Config": p.config(r)}
	if err := vendorTemplates.ExecuteTemplate(w, p.tmpl, data); err != nil {
		s.t.Error(err)
	}
}

// cli runs a command of the CLI beside the running server, on its database.
func (s *site) cli(v any, args ...string) {
	s.t.Helper()
	kithJSON(s.t, s.kith.cmd.Dir, v, append(args, "--db", filepath.Join(s.kith.cmd.Dir, "k.db"))...)
}

// secret makes a verification secret for the app (M3).
func (s *site) secret() string {
	var v map[string]any
	s.cli(&v, "secrets", "create", "--app", s.appID)
	return v["secret"].(string)
}

func (s *site) alias(alias string) {
	var v map[string]any
	s.cli(&v, "aliases", "add", alias, "--app", s.appID)
}

func (s *site) set(setting string) {
	var v map[string]any
	s.cli(&v, "apps", "update", s.appID, "--set", setting)
}

// mintOpenCX is the company's backend asking for an Open CX style session
// token (M2).
func (s *site) mintOpenCX(email, name string) string {
	r := kithtest.Do(s.t, s.kith.URL, "POST", "/widget/authenticate-user", map[string]string{"Authorization": "Bearer " + s.aat},
		map[string]any{"email": email, "name": name})
	if r.Status != http.StatusOK && r.Status != http.StatusCreated {
		s.t.Fatalf("authenticate-user: %d %s", r.Status, r.Body)
	}
	return r.JSON(s.t)["token"].(string)
}

func hmacSHA256(secret, msg string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// helpshiftToken is a userAuthToken as Helpshift's samples show them:
// base64, standard alphabet, no padding.
func helpshiftToken(secret, userID string) string {
	return base64.RawStdEncoding.EncodeToString(hmacSHA256(secret, userID))
}

func launcherShown(b *browsertest.Browser) bool {
	return browsertest.Eval[bool](b, widgetJS(`!root.querySelector("button.launcher").hidden`))
}

func TestBrowser_HelpshiftLoaderWithAUserHashIsVerifiedOnEveryDevice_W2_M3_V2(t *testing.T) {
	s := newSite(t)
	secret := s.secret()
	s.alias("helpshift:acme/acme_platform_20240101") // the page keeps Helpshift's ids
	s.page("/helpshift", vendorPage{tmpl: "helpshift", config: func(r *http.Request) map[string]any {
		return map[string]any{
			"platformId": "acme_platform_20240101", "domain": "acme", "language": "en",
			"userId": "captain_planet", "userEmail": "captain@example.com", "userName": "Captain Planet",
			"userAuthToken": helpshiftToken(secret, "captain_planet"),
		}
	}})
	laptop, phone := browsertest.New(t), browsertest.New(t)
	s.visit(laptop, "/helpshift")
	if u := user(laptop); u["trust"] != "verified" || u["display_name"] != "Captain Planet" {
		t.Fatalf("Kith.user() = %v, want the verified Captain Planet", u)
	}
	laptop.WaitFor("the launcher", widgetJS(`!root.querySelector("button.launcher").hidden`), uiWait)
	laptop.Do(`Helpshift("open")`)
	laptop.WaitFor("widgetToggle", `hsEvents.some((e) => e.name === "widgetToggle" && e.data.visible === true)`, uiWait)
	say(laptop, "Captain here, from the laptop")
	laptop.Do(`Helpshift("close")`)
	laptop.WaitFor("widgetToggle closed", `hsEvents.some((e) => e.name === "widgetToggle" && e.data.visible === false)`, uiWait)
	s.agentReply("Hello Captain, Sam here")
	laptop.WaitFor("newUnreadMessages", `hsEvents.some((e) => e.name === "newUnreadMessages" && e.data.unreadCount === 1)`, uiWait)
	laptop.Do(`Helpshift("open")`)
	waitText(laptop, "the agent's reply, live", "Hello Captain, Sam here")
	if n := browsertest.Eval[float64](laptop, `hsEvents.filter((e) => e.name === "userAuthFailure").length`); n != 0 {
		t.Fatalf("userAuthFailure fired %v times for a valid token", n)
	}

	s.visit(phone, "/helpshift")
	phone.Do(`Helpshift("open")`)
	waitText(phone, "the laptop's conversation on the phone (V2)", "Hello Captain, Sam here")
}

// TestBrowser_HelpshiftFailuresRaiseUserAuthFailure_S2_S3_F3_V8 walks the
// ways identification fails, each in a fresh browser, and checks what the
// page hears (Helpshift's own event and payload) and what the visitor sees.
func TestBrowser_HelpshiftFailuresRaiseUserAuthFailure_S2_S3_F3_V8(t *testing.T) {
	s := newSite(t)
	secret := s.secret()
	other := "not-the-apps-secret"
	s.page("/hs", vendorPage{tmpl: "helpshift", config: func(r *http.Request) map[string]any {
		q := r.URL.Query()
		c := map[string]any{"platformId": s.appID, "domain": "acme"} // the app's id in platformId
		if id := q.Get("id"); id != "" {
			c["userId"] = id
		}
		switch q.Get("token") {
		case "good":
			c["userAuthToken"] = helpshiftToken(secret, q.Get("id"))
		case "wrong":
			c["userAuthToken"] = helpshiftToken(other, q.Get("id"))
		}
		if n := q.Get("name"); n != "" {
			c["userName"] = n
		}
		return c
	}})
	failures := func(b *browsertest.Browser) string {
		return browsertest.Eval[string](b, `JSON.stringify(hsEvents.filter((e) => e.name === "userAuthFailure").map((e) => e.data))`)
	}
	waitFailure := func(b *browsertest.Browser, message string) {
		t.Helper()
		b.WaitFor("userAuthFailure "+message, `hsEvents.some((e) => e.name === "userAuthFailure")`, uiWait)
		want := `[{"message":"` + message + `"}]`
		if got := failures(b); got != want {
			t.Fatalf("userAuthFailure payloads = %s, want exactly %s", got, want)
		}
	}

	// A verified user first, with a conversation nobody else may see.
	owner := browsertest.New(t)
	s.visit(owner, "/hs?id=vip-1&token=good")
	say(owner, "The verified user's secret")

	t.Run("wrong token: the id goes on unverified", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/hs?id=someone&token=wrong")
		waitFailure(b, "invalid user auth token")
		if u := user(b); u["trust"] != "unverified" {
			t.Fatalf("Kith.user() = %v, want unverified (M5: no valid token while verification is not required)", u)
		}
	})
	t.Run("a verified id claimed without a token (V8)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/hs?id=vip-1")
		waitFailure(b, "missing user auth token")
		if u := user(b); u["trust"] != "anonymous" {
			t.Fatalf("Kith.user() = %v, want anonymous", u)
		}
		b.Do(`Helpshift("open")`)
		b.WaitFor("the empty list", widgetJS(`root.textContent.includes("No conversations yet")`), uiWait)
		if browsertest.Eval[bool](b, widgetJS(`root.textContent.includes("secret")`)) {
			t.Fatal("the verified user's conversation shows to a claim without proof")
		}
	})
	t.Run("userId past 750 characters (F3)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/hs?id="+strings.Repeat("x", 751))
		waitFailure(b, "invalid user auth token")
		if u := user(b); u["trust"] != "anonymous" {
			t.Fatalf("Kith.user() = %v, want anonymous for an invalid userId", u)
		}
		b.WaitFor("the launcher: an anonymous visitor may chat", widgetJS(`!root.querySelector("button.launcher").hidden`), uiWait)
	})
	t.Run("userName past 255 characters is truncated (F3)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/hs?id=long-name&token=good&name="+strings.Repeat("é", 300))
		u := user(b)
		if name, _ := u["display_name"].(string); u["trust"] != "verified" || name != strings.Repeat("é", 255) {
			t.Fatalf("Kith.user() = %v, want verified with the name cut at 255 characters", u)
		}
	})

	s.set("verification_required=true")
	t.Run("missing token while verification is required (S3)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/hs?id=unproven")
		waitFailure(b, "missing user auth token")
		if launcherShown(b) {
			t.Fatal("the launcher shows to an identified user without a token while verification is required")
		}
		b.Do(`Helpshift("open")`)
		b.WaitFor("the error in the panel", widgetJS(`root.querySelector("[role=alert]") && root.textContent.includes("could not be verified")`), uiWait)
	})
	t.Run("wrong token while verification is required (S3)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/hs?id=someone-else&token=wrong")
		waitFailure(b, "invalid user auth token")
		if launcherShown(b) {
			t.Fatal("the launcher shows to a user with a wrong token while verification is required")
		}
	})
	t.Run("anonymous visitors still chat (S3)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/hs")
		b.WaitFor("the launcher", widgetJS(`!root.querySelector("button.launcher").hidden`), uiWait)
		say(b, "An anonymous question")
		if got := failures(b); got != "[]" {
			t.Fatalf("userAuthFailure fired for an anonymous visitor: %s", got)
		}
	})
}

// TestBrowser_HelpshiftUpdateConfigLogsInAndOut_W2_S4 follows Helpshift's
// single-page sample: the page changes helpshiftConfig and calls
// updateHelpshiftConfig to log in, then removes the identifiers to log out.
func TestBrowser_HelpshiftUpdateConfigLogsInAndOut_W2_S4(t *testing.T) {
	s := newSite(t)
	secret := s.secret()
	s.page("/spa", vendorPage{tmpl: "helpshift", config: func(*http.Request) map[string]any {
		return map[string]any{"platformId": s.appID, "domain": "acme"}
	}})
	b := browsertest.New(t)
	s.visit(b, "/spa")
	if u := user(b); u["trust"] != "anonymous" {
		t.Fatalf("Kith.user() = %v before login, want anonymous", u)
	}
	b.Do(`helpshiftConfig.userId = "spa-user"; helpshiftConfig.userAuthToken = ` + jsString(helpshiftToken(secret, "spa-user")) +
		`; Helpshift("updateHelpshiftConfig")`)
	b.WaitFor("the verified user after login", `Kith.user() && Kith.user().trust === "verified"`, uiWait)
	say(b, "Logged in and asking")
	b.Do(`delete helpshiftConfig.userId; delete helpshiftConfig.userAuthToken; Helpshift("updateHelpshiftConfig")`)
	b.WaitFor("the anonymous visitor after logout", `Kith.user() && Kith.user().trust === "anonymous"`, uiWait)
	b.Do(`Helpshift("open")`)
	b.WaitFor("the list", widgetJS(`root.textContent.includes("New conversation")`), uiWait)
	if browsertest.Eval[bool](b, widgetJS(`root.textContent.includes("Logged in and asking")`)) {
		t.Fatal("after logout the logged-in user's conversation is still shown")
	}
}

func TestBrowser_HelpCrunchLoaderWithASecurityHashIsVerifiedOnEveryDevice_W2_M3_V2(t *testing.T) {
	s := newSite(t)
	secret := s.secret()
	s.alias("helpcrunch:acme/3") // HelpCrunch's organization and applicationId, kept
	s.page("/helpcrunch", vendorPage{tmpl: "helpcrunch", config: func(r *http.Request) map[string]any {
		return map[string]any{"organization": "acme", "settings": map[string]any{
			"applicationId": 3, "applicationSecret": "the-public-application-secret",
			"user": map[string]any{"user_id": "hc-42", "name": "Ada Lovelace", "email": "ada@example.com",
				"phone": "+44 20 7946 0958", "company": "Acme", "security_hash": hex.EncodeToString(hmacSHA256(secret, "hc-42"))},
		}}
	}})
	laptop, phone := browsertest.New(t), browsertest.New(t)
	s.visit(laptop, "/helpcrunch")
	if u := user(laptop); u["trust"] != "verified" || u["display_name"] != "Ada Lovelace" {
		t.Fatalf("Kith.user() = %v, want the verified Ada Lovelace", u)
	}
	laptop.WaitFor("onReady", `hcEvents.some((e) => e.name === "ready")`, uiWait)
	laptop.WaitFor("the launcher after showChatWidget", widgetJS(`!root.querySelector("button.launcher").hidden`), uiWait)
	say(laptop, "Ada asks from the laptop")
	laptop.Do(`HelpCrunch("closeChat")`)
	s.agentReply("Hello Ada, Sam here")
	laptop.WaitFor("onNewUnreadChat", `hcEvents.some((e) => e.name === "newUnreadChat" && e.data.unreadChats === 1)`, uiWait)
	laptop.Do(`HelpCrunch("openChat")`)
	waitText(laptop, "the agent's reply, live", "Hello Ada, Sam here")

	s.visit(phone, "/helpcrunch")
	phone.Do(`HelpCrunch("openChat")`)
	waitText(phone, "the laptop's conversation on the phone (V2)", "Hello Ada, Sam here")
	if u := user(phone); u["trust"] != "verified" {
		t.Fatalf("Kith.user() on the phone = %v, want verified", u)
	}
}

// TestBrowser_HelpCrunchFailures_S2_S3_F3_V8 walks HelpCrunch's failure
// paths. HelpCrunch has no failure event: the page sees the clean chat,
// and the reason goes to the user's identity events (F9).
func TestBrowser_HelpCrunchFailures_S2_S3_F3_V8(t *testing.T) {
	s := newSite(t)
	secret := s.secret()
	s.page("/hc", vendorPage{tmpl: "helpcrunch", config: func(r *http.Request) map[string]any {
		q := r.URL.Query()
		u := map[string]any{}
		if id := q.Get("id"); id != "" {
			u["user_id"] = id
		}
		switch q.Get("hash") {
		case "good":
			u["security_hash"] = hex.EncodeToString(hmacSHA256(secret, q.Get("id")))
		case "wrong":
			u["security_hash"] = hex.EncodeToString(hmacSHA256("another-secret", q.Get("id")))
		}
		if e := q.Get("email"); e != "" {
			u["email"], u["name"] = e, "Prefilled Name"
		}
		return map[string]any{"organization": "acme", "settings": map[string]any{"applicationId": s.appID, "user": u}}
	}})
	owner := browsertest.New(t)
	s.visit(owner, "/hc?id=hc-vip&hash=good")
	say(owner, "The verified customer's secret")

	t.Run("a verified user_id without its hash: 403 and a clean chat (V8)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/hc?id=hc-vip")
		if u := user(b); u["trust"] != "anonymous" {
			t.Fatalf("Kith.user() = %v, want anonymous", u)
		}
		// HelpCrunch has no failure event, and its loader adds the script
		// after the page's code: a listener added now still hears why.
		b.Do(`window.late = []; Kith.on("auth_failure", (e) => late.push(e))`)
		b.WaitFor("the refusal, told to a late listener", `late.length === 1 && late[0].code === "missing_user_auth_token"`, uiWait)
		b.Do(`HelpCrunch("openChat")`)
		b.WaitFor("the clean chat", widgetJS(`root.textContent.includes("No conversations yet")`), uiWait)
		if browsertest.Eval[bool](b, widgetJS(`root.textContent.includes("secret")`)) {
			t.Fatal("the verified customer's conversation shows without the hash")
		}
	})
	t.Run("a wrong hash: the user_id goes on claimed", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/hc?id=hc-other&hash=wrong")
		if u := user(b); u["trust"] != "unverified" {
			t.Fatalf("Kith.user() = %v, want unverified", u)
		}
	})
	t.Run("a user_id past its limit (F3)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/hc?id="+strings.Repeat("y", 751))
		if u := user(b); u["trust"] != "anonymous" {
			t.Fatalf("Kith.user() = %v, want anonymous", u)
		}
	})
	t.Run("name and email without user_id prefill the pre-chat form", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/hc?email=prefilled@example.com")
		b.Do(`HelpCrunch("openChat")`)
		b.WaitFor("the prefilled pre-chat form", widgetJS(`root.querySelector("form.prechat") &&
			root.querySelector("#kith-email").value === "prefilled@example.com" &&
			root.querySelector("#kith-name").value === "Prefilled Name"`), uiWait)
		b.Do(widgetJS(`(root.querySelector("form.prechat").requestSubmit(), true)`))
		b.WaitFor("the unverified user of the form", `Kith.user() && Kith.user().trust === "unverified" && Kith.user().display_name === "Prefilled Name"`, uiWait)
		b.WaitFor("the composer", widgetJS(`root.querySelector("textarea")`), uiWait)
	})

	s.set("verification_required=true")
	t.Run("user_id without a hash while verification is required (S3)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/hc?id=hc-unproven")
		if launcherShown(b) {
			t.Fatal("the launcher shows to an unverified user while verification is required")
		}
	})

	// The reasons went to the verified user's identity events, for agents.
	var users struct {
		Data []struct {
			ID  string `json:"id"`
			Ref string `json:"user_ref"`
		} `json:"data"`
	}
	tok := s.apiToken()
	kithtest.Do(t, s.kith.URL, "GET", "/api/v1/users?ref=hc-vip&trust=verified", map[string]string{"Authorization": "Bearer " + tok}, nil).Decode(t, &users)
	var vip string
	for _, u := range users.Data {
		if u.Ref == "hc-vip" {
			vip = u.ID
		}
	}
	if vip == "" {
		t.Fatalf("no user hc-vip among %+v", users.Data)
	}
	events := kithtest.Do(t, s.kith.URL, "GET", "/api/v1/users/"+vip+"/events", map[string]string{"Authorization": "Bearer " + tok}, nil)
	if !strings.Contains(string(events.Body), "verification_failed") {
		t.Fatalf("the verified user's events do not record the refused claim: %s", events.Body)
	}
}

func TestBrowser_OpenCXWithAUserTokenIsVerifiedOnEveryDeviceInItsWorkspace_W2_M2_V2_V4(t *testing.T) {
	s := newSite(t)
	s.alias("opencx:ocx-public-token")
	token := s.mintOpenCX("grace@example.com", "Grace Hopper")
	s.page("/opencx", vendorPage{tmpl: "opencx", config: func(r *http.Request) map[string]any {
		user := map[string]any{"token": token, "externalId": r.URL.Query().Get("ws")}
		if r.URL.Query().Get("fresh") != "" {
			user["token"] = s.mintOpenCX("grace@example.com", "Grace Hopper")
		}
		return map[string]any{"token": "ocx-public-token", "user": user}
	}})
	laptop, phone := browsertest.New(t), browsertest.New(t)
	s.visit(laptop, "/opencx?ws=team-a")
	if u := user(laptop); u["trust"] != "verified" || u["display_name"] != "Grace Hopper" {
		t.Fatalf("Kith.user() = %v, want the verified Grace Hopper", u)
	}
	b := laptop
	b.Do(`opencxWidget.open()`)
	say(b, "Grace asks about team A")
	s.agentReply("Hello Grace, Sam here")
	waitText(b, "the agent's reply, live", "Hello Grace, Sam here")

	s.visit(phone, "/opencx?ws=team-a&fresh=1")
	phone.Do(`opencxWidget.open()`)
	waitText(phone, "the laptop's conversation on the phone (V2)", "Hello Grace, Sam here")

	// Another externalId is another partition of Grace's history (V4).
	other := browsertest.New(t)
	s.visit(other, "/opencx?ws=team-b&fresh=1")
	other.Do(`opencxWidget.toggle()`)
	other.WaitFor("team B's empty list", widgetJS(`root.textContent.includes("No conversations yet")`), uiWait)
}

func TestBrowser_OpenCXCollectUserDataAsksOnceAndStaysOnTheDevice_W1_M5_V3(t *testing.T) {
	s := newSite(t)
	s.page("/ocx", vendorPage{tmpl: "opencx", config: func(r *http.Request) map[string]any {
		return map[string]any{"token": s.appID, "collectUserData": true}
	}})
	first, second := browsertest.New(t), browsertest.New(t)
	fill := func(b *browsertest.Browser, name, email string) {
		t.Helper()
		b.Do(`opencxWidget.open()`)
		b.WaitFor("the pre-chat form", widgetJS(`root.querySelector("form.prechat")`), uiWait)
		b.Do(widgetJS(`(root.querySelector("#kith-name").value = ` + jsString(name) + `, root.querySelector("#kith-email").value = ` +
			jsString(email) + `, root.querySelector("form.prechat").requestSubmit(), true)`))
		b.WaitFor("the unverified user of the form", `Kith.user() && Kith.user().trust === "unverified" && Kith.user().display_name === `+jsString(name), uiWait)
	}
	s.visit(first, "/ocx")
	if u := user(first); u["trust"] != "anonymous" {
		t.Fatalf("Kith.user() = %v before the form, want anonymous", u)
	}
	first.Do(`opencxWidget.open()`)
	first.WaitFor("the pre-chat form", widgetJS(`root.querySelector("form.prechat")`), uiWait)
	first.Do(widgetJS(`(root.querySelector("#kith-name").value = "Linus", root.querySelector("#kith-email").value = "not an email", ` +
		`root.querySelector("form.prechat").requestSubmit(), true)`))
	first.WaitFor("the form's own error", widgetJS(`root.querySelector("#kith-email").getAttribute("aria-invalid") === "true"`), uiWait)
	fill(first, "Linus", "linus@example.com")
	first.WaitFor("the composer", widgetJS(`root.querySelector("textarea")`), uiWait)
	first.Do(widgetJS(`(root.querySelector("textarea").value = "Typed after the form", root.querySelector("form.composer").requestSubmit(), true)`))
	waitText(first, "the message", "Typed after the form")

	// The same browser later: remembered, no form.
	s.visit(first, "/ocx")
	if u := user(first); u["trust"] != "unverified" || u["display_name"] != "Linus" {
		t.Fatalf("Kith.user() on the next page = %v, want the remembered Linus", u)
	}
	first.Do(`opencxWidget.open()`)
	waitText(first, "the conversation on the next page", "Typed after the form")

	// Another browser, the same email: another device's history is not shown (V3).
	s.visit(second, "/ocx")
	fill(second, "Linus", "linus@example.com")
	second.Do(widgetJS(`root.querySelector("button.back") && !root.querySelector("button.back").hidden && root.querySelector("button.back").click()`))
	second.WaitFor("the empty list", widgetJS(`root.textContent.includes("No conversations yet")`), uiWait)
	if browsertest.Eval[bool](second, widgetJS(`root.textContent.includes("Typed after the form")`)) {
		t.Fatal("a pre-chat email shows another device's conversation")
	}
}

func TestBrowser_OpenCXFailures_S2_S3_F3_V8(t *testing.T) {
	s := newSite(t)
	verified := s.mintOpenCX("owner@example.com", "Owner")
	s.page("/ocx", vendorPage{tmpl: "opencx", config: func(r *http.Request) map[string]any {
		q := r.URL.Query()
		user := map[string]any{}
		switch {
		case q.Get("token") == "good":
			user["token"] = verified
		case q.Get("token") != "":
			user["token"] = q.Get("token")
		case q.Get("email") != "":
			user["data"] = map[string]any{"email": q.Get("email"), "name": "Claimed"}
		}
		return map[string]any{"token": s.appID, "user": user, "collectUserData": q.Get("collect") != ""}
	}})
	owner := browsertest.New(t)
	s.visit(owner, "/ocx?token=good")
	owner.Do(`opencxWidget.open()`)
	say(owner, "The owner's secret")
	failure := func(b *browsertest.Browser, code string) {
		t.Helper()
		b.WaitFor("auth_failure "+code, `ocxEvents.some((e) => e.code === `+jsString(code)+`)`, uiWait)
	}
	t.Run("an invalid user token (S2)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/ocx?token=forged.token.value")
		failure(b, "invalid_session_token")
		if u := user(b); u["trust"] != "anonymous" {
			t.Fatalf("Kith.user() = %v, want anonymous", u)
		}
	})
	t.Run("the verified email claimed by the page (V8)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/ocx?email=owner@example.com")
		failure(b, "missing_user_auth_token")
		b.Do(`opencxWidget.open()`)
		b.WaitFor("the clean list", widgetJS(`root.textContent.includes("No conversations yet")`), uiWait)
		if browsertest.Eval[bool](b, widgetJS(`root.textContent.includes("secret")`)) {
			t.Fatal("the verified user's conversation shows to a claim of their email")
		}
	})
	t.Run("an email past its limit (F3)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/ocx?email="+strings.Repeat("a", 250)+"@example.com")
		failure(b, "missing_user_auth_token")
		if u := user(b); u["trust"] != "anonymous" {
			t.Fatalf("Kith.user() = %v, want anonymous", u)
		}
	})
	s.set("verification_required=true")
	t.Run("user.data while verification is required (S3)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/ocx?email=someone@example.com")
		failure(b, "missing_user_auth_token")
		if launcherShown(b) {
			t.Fatal("the launcher shows to a claimed user while verification is required")
		}
	})
	t.Run("the pre-chat form while verification is required: the visitor chats as a guest (S3)", func(t *testing.T) {
		b := browsertest.New(t)
		s.visit(b, "/ocx?collect=1")
		b.Do(`opencxWidget.open()`)
		b.WaitFor("the pre-chat form", widgetJS(`root.querySelector("form.prechat")`), uiWait)
		b.Do(widgetJS(`(root.querySelector("#kith-name").value = "Guest", root.querySelector("#kith-email").value = "guest@example.com", ` +
			`root.querySelector("form.prechat").requestSubmit(), true)`))
		b.WaitFor("the composer of a guest", widgetJS(`root.querySelector("textarea")`)+` && Kith.user().trust === "anonymous"`, uiWait)
		b.Do(widgetJS(`(root.querySelector("textarea").value = "A guest's question", root.querySelector("form.composer").requestSubmit(), true)`))
		waitText(b, "the guest's message", "A guest's question")
	})
}

// devrevDocumentedEvents are the onEvent payload types DevRev's PLuG
// documentation lists (developer.devrev.ai, "PLuG Web SDK: Methods").
var devrevDocumentedEvents = []string{"ON_PLUG_WIDGET_CLOSED", "ON_PLUG_WIDGET_OPENED", "ON_PLUG_WIDGET_READY",
	"ON_PLUG_WIDGET_UNREAD_COUNT_CHANGE", "ON_CONVERSATION_START", "ON_SEARCH_AGENT_QUERY", "ON_OBSERVABILITY_READY"}

// TestBrowser_DevRevIdentityAndEventsAsPLuGDocumentsThem_W2_M5_V8 covers
// plugSDK.init with identity (DevRev's beta: claimed, never merged into a
// verified user), a DevRev app id kept as an alias, and the onEvent types:
// every one Kith sends is DevRev's documented name, or a KITH_ one of its
// own.
func TestBrowser_DevRevIdentityAndEventsAsPLuGDocumentsThem_W2_M5_V8(t *testing.T) {
	s := newSite(t)
	s.alias("devrev:DvRvStPZG9uOmNvcmU6ZHZydi11cy0xOmRldm8vMTIzNDU2OmFwcC8x")
	s.mint("dr-vip") // a verified user_ref a page will claim
	b := browsertest.New(t)
	s.visit(b, "/anon")
	b.Do(`window.types = []; plugSDK.onEvent((e) => types.push(e.type));
		plugSDK.init({app_id: "DvRvStPZG9uOmNvcmU6ZHZydi11cy0xOmRldm8vMTIzNDU2OmFwcC8x",
			identity: {user_ref: "dr-claimed", user_traits: {display_name: "Claimed Dee", email: "dee@example.com"}}})`)
	b.WaitFor("the claimed user", `Kith.user() && Kith.user().trust === "unverified" && Kith.user().display_name === "Claimed Dee"`, uiWait)
	b.Do(`plugSDK.toggleWidget(true, "create_conversation", {startConversationContent: "Hi from PLuG"})`)
	b.WaitFor("the composer with the content", widgetJS(`root.querySelector("textarea") && root.querySelector("textarea").value === "Hi from PLuG"`), uiWait)
	if !browsertest.Eval[bool](b, `plugSDK.isWidgetOpen`) {
		t.Fatal("plugSDK.isWidgetOpen is false with the widget open")
	}
	b.Do(widgetJS(`(root.querySelector("form.composer").requestSubmit(), true)`))
	waitText(b, "the message", "Hi from PLuG")
	b.WaitFor("ON_CONVERSATION_START", `types.includes("ON_CONVERSATION_START")`, uiWait)
	b.Do(`plugSDK.toggleWidget(false)`)
	s.agentReply("Hello Dee")
	b.WaitFor("ON_PLUG_WIDGET_UNREAD_COUNT_CHANGE", `types.includes("ON_PLUG_WIDGET_UNREAD_COUNT_CHANGE")`, uiWait)

	// What PLuG has and Kith has not is a call that does nothing, not an error.
	b.Do(`plugSDK.trackEvent("signed_up", {plan: "Starter"}); plugSDK.toggleSearchAgent(true)`)
	b.Do(`plugSDK.updateIdentity({user_traits: {display_name: "Dee Updated"}})`)
	b.WaitFor("updateIdentity", `Kith.user().display_name === "Dee Updated"`, uiWait)

	// V8: a verified user_ref claimed from the browser starts anonymous.
	b.Do(`plugSDK.init({app_id: "DvRvStPZG9uOmNvcmU6ZHZydi11cy0xOmRldm8vMTIzNDU2OmFwcC8x", identity: {user_ref: "dr-vip"}})`)
	b.WaitFor("the refusal", `types.includes("KITH_AUTH_FAILURE") && Kith.user() && Kith.user().trust === "anonymous"`, uiWait)
	b.Do(`plugSDK.shutdown().then(() => { window.shutDown = true; })`)
	b.WaitFor("shutdown's promise", `window.shutDown === true`, uiWait)

	types := browsertest.Eval[[]string](b, `types`)
	for _, typ := range types {
		if !strings.HasPrefix(typ, "KITH_") && !contains(devrevDocumentedEvents, typ) {
			t.Errorf("onEvent sent %q: neither one of DevRev's documented types nor a KITH_ one", typ)
		}
	}
	for _, want := range []string{"ON_PLUG_WIDGET_READY", "ON_PLUG_WIDGET_OPENED", "ON_PLUG_WIDGET_CLOSED"} {
		if !contains(types, want) {
			t.Errorf("onEvent never sent %s; sent %v", want, types)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
