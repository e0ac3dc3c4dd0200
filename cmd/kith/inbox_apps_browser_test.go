package main_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kith-chat/kith/internal/browsertest"
	"github.com/kith-chat/kith/internal/kithtest"
)

// The inbox's settings for admins (I3, section 9): every key an admin makes
// there is tried the way the company's backend would use it, against the
// real binary, and every setting saved is read back with the CLI.

// inboxMenu picks an item of the settings menu at the foot of the sidebar.
func inboxMenu(b *browsertest.Browser, label string) {
	b.Do(`document.querySelector(".side-foot button[aria-haspopup=menu]").click()`)
	b.WaitFor("the menu", `document.querySelector(".menu .menu-item")`, uiWait)
	b.Do(`[...document.querySelectorAll(".menu .menu-item")].find((b) => b.textContent === ` + jsString(label) + `).click()`)
}

// typeInto focuses a field, selects what it holds and types over it, as a
// person would.
func typeInto(b *browsertest.Browser, selector, text string) {
	b.Do(`(() => { const e = document.querySelector(` + jsString(selector) + `); e.focus(); e.select && e.select(); })()`)
	b.Keys(text)
}

// choose picks an option of a select, which tells its listeners.
func choose(b *browsertest.Browser, selector, value string) {
	b.Do(`(() => { const e = document.querySelector(` + jsString(selector) + `); e.value = ` + jsString(value) + `; e.dispatchEvent(new Event("change", {bubbles: true})); })()`)
}

// appTab opens a tab of the app's page and waits for its card.
func appTab(b *browsertest.Browser, tab, card string) {
	b.Do(`document.querySelector(".tabs a[data-tab=` + tab + `]").click()`)
	b.WaitFor("the "+tab+" tab", `location.search.includes("tab=`+tab+`") && document.querySelector(".tabs a[data-tab=`+tab+`]").getAttribute("aria-current") === "page" && document.querySelector("#`+card+` .card-body:not([aria-busy])")`, uiWait)
}

// shownOnce waits for the dialog that shows a new secret, checks that a
// click beside it does not close it, and returns the secret.
func shownOnce(t *testing.T, b *browsertest.Browser, prefix string) string {
	t.Helper()
	b.WaitFor("the secret, shown once", `document.querySelector(".dialog .once-value") && document.querySelector(".dialog .once-value").value.startsWith(`+jsString(prefix)+`)`, uiWait)
	b.Do(`document.querySelector(".scrim").dispatchEvent(new PointerEvent("pointerdown", {bubbles: true}))`)
	if !browsertest.Eval[bool](b, `!!document.querySelector(".dialog .once-value")`) {
		t.Fatal("a click beside the dialog closed it, and its secret with it")
	}
	return browsertest.Eval[string](b, `document.querySelector(".dialog .once-value").value`)
}

// doneWithSecret closes the dialog of a secret.
func doneWithSecret(b *browsertest.Browser) {
	b.Do(`[...document.querySelectorAll(".dialog .btn.primary")].find((e) => e.textContent === "Done").click()`)
	b.WaitFor("the dialog to close", `!document.querySelector(".dialog")`, uiWait)
}

// confirmRemove clicks the button labelled label and says yes.
func confirmRemove(b *browsertest.Browser, label string) {
	b.Do(`document.querySelector(` + jsString(`[aria-label="`+label+`"]`) + `).click()`)
	b.WaitFor("the confirmation", `document.querySelector(".dialog .btn.danger")`, uiWait)
	b.Do(`document.querySelector(".dialog .btn.danger").click()`)
	b.WaitFor("the confirmation to close", `!document.querySelector(".dialog")`, uiWait)
}

// startsVerified reports whether a widget session started with body is
// verified.
func (s *site) startsVerified(body map[string]any) bool {
	body["app_id"] = s.appID
	r := kithtest.Do(s.t, s.kith.URL, "POST", "/widget/v1/sessions", nil, body)
	if r.Status != http.StatusCreated {
		return false
	}
	u, _ := r.JSON(s.t)["user"].(map[string]any)
	return u["trust"] == "verified"
}

func TestInbox_AnAdminManagesTheAppsSettingsAndKeys_I3(t *testing.T) {
	s := newSite(t)
	s.inboxAgent("", "ada@acme.com", "Ada", "admin")
	s.inboxAgent("", "sam@acme.com", "Sam", "agent")
	ada := browsertest.New(t)
	inboxLogin(t, ada, s.kith.URL, "ada@acme.com")

	// From the menu to the list of apps, and to the app.
	appRow := jsString("#app-list [data-app-id='" + s.appID + "']")
	inboxMenu(ada, "Apps and keys")
	ada.WaitFor("the list of apps", `location.pathname === "/inbox/settings/apps" && document.querySelector(`+appRow+`)`, uiWait)
	inboxHas(ada, "the app's summary", "#app-list", "Verification optional")
	inboxScreenshot(t, ada, "inbox-apps.png")
	checkContrast(t, ada, "the list of apps")
	ada.Do(`document.querySelector(` + appRow + `).click()`)
	ada.WaitFor("the app's settings", `document.querySelector("#app-settings") && document.querySelector("#app-id").textContent === `+jsString(s.appID), uiWait)
	if !browsertest.Eval[bool](ada, `document.activeElement === document.querySelector("#settings-title")`) {
		t.Error("opening an app does not move the focus to its title")
	}

	// Settings are saved all or none: one the server refuses is named
	// under its field, and the others are not saved either.
	show := func() map[string]any {
		var app map[string]any
		kithJSON(t, s.kith.cmd.Dir, &app, "apps", "show", s.appID, "--db", s.dbFile())
		return app["settings"].(map[string]any)
	}
	ada.Do(`document.querySelector("#setting-verification_required").click()`)
	typeInto(ada, "#setting-anonymous_expiry", "soon")
	ada.WaitFor("two unsaved changes", `document.querySelector("#settings-status").textContent === "2 unsaved changes"`, uiWait)
	ada.Do(`document.querySelector("#save-settings").click()`)
	ada.WaitFor("the refusal under its field", `document.querySelector("#setting-anonymous_expiry-error").textContent.includes("anonymous_expiry") && document.activeElement === document.querySelector("#setting-anonymous_expiry")`, uiWait)
	if st := show(); st["verification_required"] != false || st["anonymous_expiry"] != "7d" {
		t.Fatalf("a refused save changed the settings: %v", st)
	}
	typeInto(ada, "#setting-anonymous_expiry", "3d")
	ada.Do(`document.querySelector("#add-origin").click()`)
	ada.Keys("https://shop.acme.com")
	ada.Do(`document.querySelector("#save-settings").click()`)
	ada.WaitFor("the settings saved", `document.querySelector("#settings-status").textContent === "Saved."`, uiWait)
	st := show()
	if st["verification_required"] != true || st["anonymous_expiry"] != "3d" || !strings.Contains(strings.Join(anyStrings(st["allowed_origins"]), " "), "https://shop.acme.com") {
		t.Fatalf("after saving, the app's settings are %v", st)
	}
	ada.Do(`document.querySelector("#settings").scrollTop = 0`)
	inboxScreenshot(t, ada, "inbox-app-settings.png")
	checkContrast(t, ada, "an app's settings")

	// An access token: made with the scopes asked for, shown once, works
	// for the backend; revoked, it no longer does.
	appTab(ada, "tokens", "tokens")
	ada.Do(`document.querySelector("#new-token").click()`)
	ada.WaitFor("the new token dialog", `document.querySelector("#scope-sessions")`, uiWait)
	ada.Do(`document.querySelector("#scope-keys").click()`) // keys widens api: api is checked with it
	choose(ada, "#token-expiry", "30d")
	ada.Do(`document.querySelector(".dialog form").requestSubmit()`)
	token := shownOnce(t, ada, "kith_aat_")
	inboxScreenshot(t, ada, "inbox-app-token-once.png")
	checkContrast(t, ada, "a secret shown once")
	doneWithSecret(ada)
	id := "tok_" + strings.SplitN(strings.TrimPrefix(token, "kith_aat_"), "_", 2)[0]
	start := "kith_aat_" + strings.TrimPrefix(id, "tok_") + "_…"
	inboxHas(ada, "the new token in the list", "#tokens .krow", start)
	inboxHas(ada, "its scopes", "#tokens .krow", "sessionsapikeys")
	mint := func() int {
		return kithtest.Do(t, s.kith.URL, "POST", "/internal/auth-tokens.create", map[string]string{"Authorization": token}, `{"rev_info":{"user_ref":"ada-42"}}`).Status
	}
	if got := mint(); got != http.StatusCreated {
		t.Fatalf("the token made in the inbox mints a session token with %d, want 201", got)
	}
	confirmRemove(ada, "Revoke "+start)
	ada.WaitFor("the token revoked", `[...document.querySelectorAll("#tokens .krow.inactive")].some((e) => e.textContent.includes(`+jsString(start)+`) && e.textContent.includes("Revoked"))`, uiWait)
	if got := mint(); got != http.StatusUnauthorized {
		t.Fatalf("a revoked token mints with %d, want 401", got)
	}

	// A verification secret: a user hash made with it verifies (M3); once
	// it is deleted, the same hash does not.
	appTab(ada, "secrets", "secrets")
	ada.Do(`document.querySelector("#new-secret").click()`)
	secret := shownOnce(t, ada, "kith_vs_")
	doneWithSecret(ada)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("user-7"))
	hash := hex.EncodeToString(mac.Sum(nil))
	withHash := func() map[string]any {
		return map[string]any{"identity": map[string]any{"user_ref": "user-7"}, "user_hash": hash}
	}
	if !s.startsVerified(withHash()) {
		t.Fatal("a user hash made with the secret from the inbox does not verify")
	}
	ada.WaitFor("the secret in the list", `document.querySelectorAll("#secrets .krow").length === 1`, uiWait)
	secretID := browsertest.Eval[string](ada, `document.querySelector("#secrets .krow .key").textContent`)
	confirmRemove(ada, "Delete "+secretID)
	ada.WaitFor("no secret left", `document.querySelector("#secrets .kempty")`, uiWait)
	if s.startsVerified(withHash()) {
		t.Fatal("a user hash still verifies after its secret was deleted")
	}

	// A JWT key: a kid the server refuses is named under its field; an
	// HS256 key's secret, shown once, signs JWTs that verify (M4).
	appTab(ada, "jwt", "jwt-keys")
	ada.Do(`document.querySelector("#add-jwt-key").click()`)
	ada.WaitFor("the add key dialog", `document.querySelector("#jwt-kid")`, uiWait)
	typeInto(ada, "#jwt-kid", "main key")
	ada.Do(`document.querySelector(".dialog form").requestSubmit()`)
	ada.WaitFor("the refusal under the kid", `document.querySelector("#jwt-kid").getAttribute("aria-invalid") === "true" && document.querySelector("#jwt-kid-error").textContent !== ""`, uiWait)
	choose(ada, "#jwt-alg", "RS256")
	if !browsertest.Eval[bool](ada, `!document.querySelector("#jwt-pem").closest(".field").hidden`) {
		t.Error("an RS256 key does not ask for its public key")
	}
	choose(ada, "#jwt-alg", "HS256")
	typeInto(ada, "#jwt-kid", "main")
	ada.Do(`document.querySelector(".dialog form").requestSubmit()`)
	jwtSecret := shownOnce(t, ada, "")
	doneWithSecret(ada)
	inboxHas(ada, "the key in the list", "#jwt-keys .krow", "HS256")
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "user-9", "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()})
	tok.Header["kid"] = "main"
	signed, err := tok.SignedString([]byte(jwtSecret))
	if err != nil {
		t.Fatal(err)
	}
	if !s.startsVerified(map[string]any{"jwt": signed}) {
		t.Fatal("a JWT signed with the key made in the inbox does not verify")
	}

	// Aliases: a vendor's id is added; one of no vendor's form is refused
	// under the field.
	appTab(ada, "aliases", "aliases")
	typeInto(ada, "#alias-value", "helpshift:acme/acme_platform\r")
	inboxHas(ada, "the alias in the list", "#aliases .krow", "helpshift:acme/acme_platform")
	typeInto(ada, "#alias-value", "somewhere-else\r")
	ada.WaitFor("the refusal under the alias", `document.querySelector("#alias-value").getAttribute("aria-invalid") === "true"`, uiWait)

	// A custom field, defined in the inbox, is what the backend may send.
	appTab(ada, "fields", "custom-fields")
	ada.Do(`document.querySelector("#define-field").click()`)
	ada.WaitFor("the define field dialog", `document.querySelector("#field-name")`, uiWait)
	choose(ada, "#field-type", "enum")
	typeInto(ada, "#field-name", "plan")
	ada.Do(`document.querySelector("#field-values").value = "free\npro"`)
	ada.Do(`document.querySelector(".dialog form").requestSubmit()`)
	inboxHas(ada, "the field in the list", "#custom-fields tr[data-field]", "tnt__plan")
	s.mintFull(`{"user_ref":"ada-43","user_traits":{"custom_fields":{"tnt__plan":"pro"}}}`)
	inboxScreenshot(t, ada, "inbox-app-fields.png")

	// A reload keeps the app and the tab.
	ada.Navigate(s.kith.URL + "/inbox/settings/apps?app=" + s.appID + "&tab=fields")
	ada.WaitFor("the same tab after a reload", `document.querySelector(".tabs a[data-tab=fields]") && document.querySelector(".tabs a[data-tab=fields]").getAttribute("aria-current") === "page" && document.querySelector("#custom-fields tr[data-field]")`, uiWait)

	// On a phone: one column, every text still readable.
	ada.Viewport(390, 844)
	appTab(ada, "tokens", "tokens")
	if overflow := browsertest.Eval[bool](ada, `document.documentElement.scrollWidth > window.innerWidth`); overflow {
		t.Error("the tokens tab is wider than a phone")
	}
	inboxScreenshot(t, ada, "inbox-app-tokens-phone.png")
	checkContrast(t, ada, "the tokens tab on a phone")

	// An agent who is not an admin is told this is not for them, and the
	// API refuses them.
	sam := browsertest.New(t)
	inboxLogin(t, sam, s.kith.URL, "sam@acme.com")
	sam.Do(`document.querySelector(".side-foot button[aria-haspopup=menu]").click()`)
	sam.WaitFor("the menu", `document.querySelector(".menu .menu-item")`, uiWait)
	if browsertest.Eval[bool](sam, `[...document.querySelectorAll(".menu .menu-item")].some((b) => b.textContent === "Apps and keys")`) {
		t.Error("an agent's menu offers the apps")
	}
	sam.Navigate(s.kith.URL + "/inbox/settings/apps?app=" + s.appID)
	sam.WaitFor("the refusal", `document.querySelector("#apps-refused")`, uiWait)
	if status := browsertest.Eval[float64](sam, `fetch("/inbox/api/apps").then((r) => r.status)`); status != 403 {
		t.Fatalf("an agent's GET /inbox/api/apps answers %v, want 403", status)
	}
}

// anyStrings reads a JSON list of strings.
func anyStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
