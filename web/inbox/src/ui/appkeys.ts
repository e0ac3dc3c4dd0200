// An app's keys, for admins (I3, section 9): its access tokens, the
// verification secrets user hashes are made with (M3), the keys that
// verify customer-signed JWTs (M4) and the vendors' ids it answers to
// (W2). A secret Kith makes is shown once, in a dialog that a stray click
// does not close; Kith keeps a hash of it or keeps it from view.

import { del, get, post, serverNow } from "../api";
import { h, icon, icons, type Child } from "../dom";
import type { AccessToken, Alias, JWTKey, Scope, VerificationSecret } from "../types";
import type { AppContext } from "./apps";
import { dots, emptyState, field, FormErrors, loadedCard, row, type LoadedCard, rows, shownOnce, when } from "./kit";
import { confirmDialog, dialog } from "./menu";

/** A form in a dialog: its fields, Cancel and the action; an error goes under the field the server names. */
function formDialog(
  title: string,
  o: { intro?: Child; body: Child; submit: string; errors: FormErrors; send: (close: () => void) => Promise<void>; wide?: boolean },
): () => void {
  const ok = h("button", { type: "submit", class: "btn primary" }, o.submit);
  const cancel = h("button", { type: "button", class: "btn" }, "Cancel");
  const form = h(
    "form",
    { class: "form", novalidate: true },
    o.intro ? h("p", null, o.intro) : null,
    o.body,
    o.errors.general,
    h("div", { class: "dialog-actions" }, cancel, ok),
  );
  const close = dialog(title, form, { wide: o.wide });
  cancel.addEventListener("click", close);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    o.errors.clear();
    ok.setAttribute("disabled", "");
    try {
      await o.send(close);
    } catch (x) {
      o.errors.show(x);
    } finally {
      ok.removeAttribute("disabled");
    }
  });
  return close;
}

/** The dialog that shows a new secret once; only its Done button, Escape or the close button end it. */
function secretDialog(title: string, label: string, value: string, why: string, after?: Child): void {
  const done = h("button", { type: "button", class: "btn primary" }, "Done");
  const close = dialog(title, [shownOnce(label, value, why), after, h("div", { class: "dialog-actions" }, done)], { wide: true, keep: true });
  done.addEventListener("click", close);
}

/**
 * A button that removes something after asking: on yes it sends DELETE to
 * path, says so and reloads the list; a refusal of the server stays in the
 * question's dialog.
 */
function removeButton(
  ctx: AppContext,
  label: string,
  what: string,
  ask: { title: string; text: string },
  path: string,
  done: { said: string; reload: () => Promise<void> },
): HTMLElement {
  const run = async () => {
    try {
      await del(path);
    } catch (e) {
      if (ctx.refused(e)) return;
      throw e;
    }
    ctx.app.announce(done.said);
    await done.reload();
  };
  return h(
    "button",
    { type: "button", class: "btn small danger-ghost", "aria-label": label + " " + what, onclick: () => confirmDialog(ask.title, ask.text, label, run) },
    label,
  );
}

/** What the app's list at path holds, newest first. */
async function newestFirst<T extends { created_at: string }>(path: string): Promise<T[]> {
  return ((await get<{ data: T[] }>(path)).data || []).sort((a, b) => b.created_at.localeCompare(a.created_at));
}

function code(text: string, cls = ""): HTMLElement {
  return h("code", { class: "key" + (cls ? " " + cls : "") }, text);
}

// Access tokens.

const SCOPES: [Scope, string, string][] = [
  ["sessions", "Session tokens", "Mint session tokens for logged-in customers (auth-tokens.create, authenticate-user). What a site's backend needs."],
  ["api", "Server API", "Read and answer this app's conversations and the organization's users through /api/v1."],
  ["org", "Whole organization", "With the server API: every app of the organization, and defining custom fields."],
  ["keys", "Keys", "With the server API: this app's verification secrets, JWT keys and aliases. Only for a tool that rotates keys."],
];

const EXPIRIES: [string, string][] = [
  ["30d", "In 30 days"],
  ["90d", "In 90 days"],
  ["365d", "In a year"],
  ["", "Never"],
];

/** What a token starts with: its prefix and id, which name it without giving it away. */
function tokenStart(t: AccessToken): string {
  return "kith_aat_" + t.id.replace(/^tok_/, "") + "_…";
}

function tokenRow(ctx: AppContext, t: AccessToken, reload: () => Promise<void>): HTMLElement {
  const expired = !!t.expires_at && Date.parse(t.expires_at) <= serverNow();
  const live = !t.revoked_at && !expired;
  const state = t.revoked_at
    ? h("span", { class: "tag warn" }, "Revoked")
    : expired
      ? h("span", { class: "tag warn" }, "Expired")
      : h("span", { class: "tag ok" }, "Active");
  return row(
    icons.key,
    [
      code(tokenStart(t), "token-start"),
      state,
      h(
        "span",
        { class: "scopes" },
        t.scopes.map((s) => h("span", { class: "tag scope" }, s)),
      ),
    ],
    dots(
      when("Created", t.created_at),
      t.revoked_at ? when("revoked", t.revoked_at) : t.expires_at ? when(expired ? "expired" : "expires", t.expires_at) : "never expires",
      t.last_used_at ? when("last used", t.last_used_at) : "never used",
    ),
    live
      ? removeButton(
          ctx,
          "Revoke",
          tokenStart(t),
          { title: "Revoke this token?", text: "Backends that use it are refused from their next request, on every process. This cannot be undone." },
          ctx.base + "/tokens/" + encodeURIComponent(t.id),
          { said: "Token revoked.", reload: reload },
        )
      : null,
    live ? "" : "inactive",
  );
}

function newToken(ctx: AppContext, reload: () => Promise<void>): void {
  const errors = new FormErrors();
  const boxes = new Map<Scope, HTMLInputElement>();
  const list = h(
    "div",
    { class: "checks", id: "token-scopes" },
    SCOPES.map(([s, label, text]) => {
      const box = h("input", { type: "checkbox", id: "scope-" + s, value: s, "aria-describedby": "scope-" + s + "-hint" });
      box.checked = s === "sessions";
      boxes.set(s, box);
      return h(
        "div",
        { class: "check-row" },
        box,
        h("div", null, h("label", { for: box.id }, label, " ", code(s)), h("p", { class: "hint", id: box.id + "-hint" }, text)),
      );
    }),
  );
  // org and keys only widen api: asking for either asks for api too.
  for (const s of ["org", "keys"] as Scope[]) boxes.get(s)!.addEventListener("change", () => boxes.get(s)!.checked && (boxes.get("api")!.checked = true));
  boxes.get("api")!.addEventListener("change", () => {
    if (!boxes.get("api")!.checked) for (const s of ["org", "keys"] as Scope[]) boxes.get(s)!.checked = false;
  });
  const scopesError = h("p", { class: "field-error", id: "token-scopes-error" });
  const scopes = h("fieldset", { class: "field", "aria-describedby": scopesError.id }, h("legend", null, "What it may do"), list, scopesError);
  errors.add("scopes", list, scopesError);
  const expiry = h(
    "select",
    { class: "select", id: "token-expiry" },
    EXPIRIES.map(([v, text]) => h("option", { value: v }, text)),
  );
  expiry.value = "90d";
  const expiryField = field("Expires", expiry, "A token that never expires is one you must remember to revoke.");
  errors.addField("expires_in", expiryField);
  formDialog("New access token", {
    intro: "For your backend only: a browser that sends it is refused. Kith keeps only a hash of it.",
    body: [scopes, expiryField.wrap],
    submit: "Make token",
    errors,
    wide: true,
    send: async (close) => {
      const chosen = SCOPES.map(([s]) => s).filter((s) => boxes.get(s)!.checked);
      if (chosen.length === 0) {
        errors.at("scopes", "Choose at least one thing the token may do.");
        return;
      }
      let t: AccessToken;
      try {
        t = await post<AccessToken>(ctx.base + "/tokens", { scopes: chosen, expires_in: expiry.value || null });
      } catch (e) {
        if (ctx.refused(e)) return close();
        throw e;
      }
      close();
      void reload();
      secretDialog(
        "Your new access token",
        "Access token",
        t.access_token || "",
        "Kith keeps only its hash: put it in your backend's secrets now. If it is lost, make another and revoke this one.",
        chosen.includes("sessions")
          ? h(
              "div",
              { class: "once-use" },
              h("p", { class: "muted small" }, "Your backend sends it as the authorization header to mint a session token for a logged-in customer:"),
              h(
                "pre",
                { class: "snippet" },
                "curl -s " +
                  location.origin +
                  '/internal/auth-tokens.create \\\n  -H "authorization: $KITH_AAT" -H "content-type: application/json" \\\n  -d \'{"rev_info": {"user_ref": "ada-42"}}\'',
              ),
            )
          : null,
      );
    },
  });
}

export function tokensTab(ctx: AppContext): HTMLElement {
  const add = h("button", { type: "button", class: "btn primary", id: "new-token" }, icon(icons.plus), "New token");
  const card: LoadedCard<AccessToken> = loadedCard<AccessToken>({
    id: "tokens",
    title: "Access tokens",
    text: "Server-side secrets that let your backend mint session tokens for logged-in customers and call the server API. Revoke one and it stops working at once.",
    tools: [add],
    refused: ctx.refused,
    load: async () => {
      const list = (await get<{ data: AccessToken[] }>(ctx.base + "/tokens")).data || [];
      // The tokens in use first, newest first; revoked and expired ones after.
      const live = (t: AccessToken) => !t.revoked_at && !(t.expires_at && Date.parse(t.expires_at) <= serverNow());
      return list.sort((a, b) => Number(live(b)) - Number(live(a)) || b.created_at.localeCompare(a.created_at));
    },
    render: (list) =>
      list.length === 0
        ? emptyState(icons.key, "No access tokens", "Make one for your backend to mint session tokens for logged-in customers.")
        : rows(
            "tokens",
            list.map((t) => tokenRow(ctx, t, card.reload)),
          ),
  });
  add.addEventListener("click", () => newToken(ctx, card.reload));
  return h("div", { class: "tab-body" }, card.el);
}

// Verification secrets (M3).

export function secretsTab(ctx: AppContext): HTMLElement {
  const generate = h("button", { type: "button", class: "btn primary", id: "new-secret" }, icon(icons.plus), "Generate secret");
  const importBtn = h("button", { type: "button", class: "btn", id: "import-secret" }, "Import a secret");
  const card: LoadedCard<VerificationSecret> = loadedCard<VerificationSecret>({
    id: "secrets",
    title: "Verification secrets",
    text: [
      "Your backend signs a user's id (or lower-cased email) with HMAC-SHA256 and one of these; the page sends the result as ",
      code("user_hash"),
      ", Helpshift's ",
      code("userAuthToken"),
      " or HelpCrunch's ",
      code("security_hash"),
      ". Every secret here works at once: to rotate, add one, move your backend to it, then delete the old one.",
    ],
    tools: [importBtn, generate],
    refused: ctx.refused,
    load: () => newestFirst<VerificationSecret>(ctx.base + "/verification-secrets"),
    render: (list) =>
      list.length === 0
        ? emptyState(
            icons.lock,
            "No verification secrets",
            "User hashes cannot be checked until the app has one: generate one, or bring in the one your backend signs with already.",
          )
        : rows(
            "secrets",
            list.map((s) =>
              row(
                icons.lock,
                code(s.id),
                dots(when("Added", s.created_at)),
                removeButton(
                  ctx,
                  "Delete",
                  s.id,
                  {
                    title: "Delete this secret?",
                    text:
                      list.length === 1
                        ? "It is the app's only secret: every user hash fails from this moment, and users your backend vouched for that way are treated as unverified claims."
                        : "User hashes made with it fail from this moment. The app's other secrets go on working.",
                  },
                  ctx.base + "/verification-secrets/" + encodeURIComponent(s.id),
                  { said: "Secret deleted.", reload: card.reload },
                ),
              ),
            ),
          ),
  });
  generate.addEventListener("click", async () => {
    generate.setAttribute("disabled", "");
    try {
      const s = await post<VerificationSecret>(ctx.base + "/verification-secrets");
      void card.reload();
      secretDialog(
        "Your new verification secret",
        "Verification secret",
        s.secret || "",
        "Kith will not show it again. Put it in your backend's secrets, next to the code that makes user hashes.",
      );
    } catch (e) {
      if (!ctx.refused(e)) ctx.app.announce("The secret could not be made: " + (e instanceof Error ? e.message : String(e)));
    } finally {
      generate.removeAttribute("disabled");
    }
  });
  importBtn.addEventListener("click", () => {
    const errors = new FormErrors();
    const input = h("input", { type: "password", id: "import-secret-value", autocomplete: "off", spellcheck: "false", minlength: "16", maxlength: "512" });
    const f = field("Secret", input, "16 to 512 characters, no spaces: exactly what your backend signs with. Kith does not show it back.");
    errors.addField("secret", f);
    formDialog("Import a secret", {
      intro: "Moving from Helpshift or HelpCrunch? Keep the secret your backend signs user hashes with, and its code stays as it is.",
      body: f.wrap,
      submit: "Import",
      errors,
      send: async (close) => {
        try {
          await post(ctx.base + "/verification-secrets", { secret: input.value });
        } catch (e) {
          if (ctx.refused(e)) return close();
          throw e;
        }
        input.value = "";
        close();
        ctx.app.announce("Secret imported.");
        await card.reload();
      },
    });
  });
  return h("div", { class: "tab-body" }, card.el);
}

// JWT keys (M4).

const ALGS: [JWTKey["alg"], string][] = [
  ["HS256", "HS256: a shared secret Kith makes"],
  ["RS256", "RS256: your RSA public key"],
  ["ES256", "ES256: your P-256 public key"],
  ["EdDSA", "EdDSA: your Ed25519 public key"],
];

const KINDS: Record<JWTKey["kind"], string> = { secret: "Shared secret", public_key: "Public key", jwks: "Key set (JWKS)" };

function addJWTKey(ctx: AppContext, reload: () => Promise<void>): void {
  const errors = new FormErrors();
  const kid = h("input", { id: "jwt-kid", autocomplete: "off", spellcheck: "false", maxlength: "128", placeholder: "main-2026" });
  const kidField = field("Key id (kid)", kid, "The kid your tokens carry in their header: letters, digits, dot, dash and underscore.");
  const alg = h(
    "select",
    { class: "select", id: "jwt-alg" },
    ALGS.map(([v, text]) => h("option", { value: v }, text)),
  );
  const algField = field("Algorithm", alg, "The only algorithm this key verifies: a token that names another is refused.");
  const pem = h("textarea", { id: "jwt-pem", class: "mono", rows: "6", spellcheck: "false", placeholder: "-----BEGIN PUBLIC KEY-----" });
  const pemField = field("Public key (PEM)", pem, "RSA of 2048 bits or more, P-256 or Ed25519, as -----BEGIN PUBLIC KEY-----.");
  const url = h("input", {
    id: "jwt-jwks",
    type: "url",
    inputmode: "url",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "https://auth.example.com/.well-known/jwks.json",
  });
  const urlField = field("Key set URL (JWKS)", url, "An https URL; Kith fetches it, and only it, to find the key a token names.");
  const fromPem = h("input", { type: "radio", name: "jwt-source", id: "jwt-from-pem", value: "pem" });
  const fromUrl = h("input", { type: "radio", name: "jwt-source", id: "jwt-from-jwks", value: "jwks" });
  fromPem.checked = true;
  const source = h(
    "fieldset",
    { class: "field source" },
    h("legend", null, "Where the key is"),
    h("div", { class: "radios" }, h("label", null, fromPem, " A public key"), h("label", null, fromUrl, " A key set URL")),
  );
  const pub = h("div", { class: "jwt-public" }, source, pemField.wrap, urlField.wrap);
  const sync = () => {
    const hs = alg.value === "HS256";
    pub.hidden = hs;
    pemField.wrap.hidden = hs || !fromPem.checked;
    urlField.wrap.hidden = hs || !fromUrl.checked;
  };
  for (const el of [alg, fromPem, fromUrl]) el.addEventListener("change", sync);
  sync();
  errors.addField("kid", kidField);
  errors.addField("alg", algField);
  errors.addField("public_key", pemField);
  errors.addField("jwks_url", urlField);
  formDialog("Add a JWT key", {
    intro: "Your backend signs a JWT for a logged-in customer; the page passes it to the widget. sub is the user_ref, exp is required.",
    body: [kidField.wrap, algField.wrap, pub],
    submit: "Add key",
    errors,
    wide: true,
    send: async (close) => {
      const body: Record<string, string> = { kid: kid.value.trim(), alg: alg.value };
      if (alg.value !== "HS256") {
        if (fromPem.checked) body.public_key = pem.value.trim();
        else body.jwks_url = url.value.trim();
      }
      let k: JWTKey;
      try {
        k = await post<JWTKey>(ctx.base + "/jwt-keys", body);
      } catch (e) {
        if (ctx.refused(e)) return close();
        throw e;
      }
      close();
      void reload();
      if (k.secret)
        secretDialog(
          "The key's shared secret",
          "HS256 secret of " + k.kid,
          k.secret,
          "Kith keeps it to check signatures but will not show it again. Sign your JWTs with it, with kid " + k.kid + " in their header.",
        );
      else ctx.app.announce("Key " + k.kid + " added.");
    },
  });
}

export function jwtKeysTab(ctx: AppContext): HTMLElement {
  const add = h("button", { type: "button", class: "btn primary", id: "add-jwt-key" }, icon(icons.plus), "Add key");
  const card: LoadedCard<JWTKey> = loadedCard<JWTKey>({
    id: "jwt-keys",
    title: "JWT keys",
    text: "Keys that verify JWTs your backend signs for its customers. Each is pinned to one algorithm and named by its kid; several can be active, so a key rotates without downtime.",
    tools: [add],
    refused: ctx.refused,
    load: () => newestFirst<JWTKey>(ctx.base + "/jwt-keys"),
    render: (list) =>
      list.length === 0
        ? emptyState(icons.key, "No JWT keys", "Add a shared secret (HS256), a public key or the URL of your key set to accept customer-signed JWTs.")
        : rows(
            "jwt-keys",
            list.map((k) =>
              row(
                icons.key,
                [code(k.kid), h("span", { class: "tag" }, k.alg), h("span", { class: "tag" }, KINDS[k.kind] || k.kind)],
                dots(when("Added", k.created_at), k.jwks_url ? h("span", { class: "url" }, k.jwks_url) : null),
                removeButton(
                  ctx,
                  "Delete",
                  "key " + k.kid,
                  { title: "Delete key " + k.kid + "?", text: "JWTs it signed are refused from this moment." },
                  ctx.base + "/jwt-keys/" + encodeURIComponent(k.id),
                  { said: "Key deleted.", reload: card.reload },
                ),
              ),
            ),
          ),
  });
  add.addEventListener("click", () => addJWTKey(ctx, card.reload));
  return h("div", { class: "tab-body" }, card.el);
}

// Aliases (W2).

const ALIAS_FORMS: [string, string][] = [
  ["devrev:APP_ID", "DevRev PLuG's app_id"],
  ["helpshift:DOMAIN/PLATFORM_ID", "Helpshift's domain and platform id"],
  ["helpcrunch:ORGANIZATION/APPLICATION_ID", "HelpCrunch's organization and application id"],
  ["opencx:TOKEN", "Open CX's widget token"],
];

export function aliasesTab(ctx: AppContext): HTMLElement {
  const errors = new FormErrors();
  const input = h("input", { id: "alias-value", class: "input mono", autocomplete: "off", spellcheck: "false", placeholder: "helpshift:acme/acme_platform" });
  const f = field("Add an alias", input, "Your vendor's ids, so that its embed code works with only the script URL changed.", "field inline-field");
  errors.addField("alias", f);
  const addBtn = h("button", { type: "submit", class: "btn primary" }, icon(icons.plus), "Add alias");
  const form = h("form", { class: "alias-form", id: "alias-form", novalidate: true }, f.wrap, addBtn, errors.general);
  const card: LoadedCard<Alias> = loadedCard<Alias>({
    id: "aliases",
    title: "Aliases",
    text: "The vendors' ids this app answers to, besides its own. One alias names one app.",
    refused: ctx.refused,
    load: async () => (await get<{ data: Alias[] }>(ctx.base + "/aliases")).data || [],
    render: (list) => [
      form,
      list.length === 0
        ? emptyState(icons.link, "No aliases", "Add one if the site's embed code still carries a vendor's ids.")
        : rows(
            "aliases",
            list.map((a) =>
              row(
                icons.link,
                code(a.alias),
                dots(when("Added", a.created_at)),
                removeButton(
                  ctx,
                  "Remove",
                  a.alias,
                  { title: "Remove this alias?", text: "Embed code that names " + a.alias + " stops finding this app." },
                  ctx.base + "/aliases/" + encodeURIComponent(a.alias),
                  { said: "Alias removed.", reload: card.reload },
                ),
              ),
            ),
          ),
      h(
        "div",
        { class: "alias-help" },
        h("h3", null, "Their forms"),
        h(
          "dl",
          { class: "alias-forms" },
          ALIAS_FORMS.map(([form, what]) => [h("dt", null, code(form)), h("dd", { class: "muted" }, what)]),
        ),
      ),
    ],
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.clear();
    const v = input.value.trim();
    if (!v) {
      errors.at("alias", "Write the alias first, such as helpshift:acme/acme_platform.");
      return;
    }
    addBtn.setAttribute("disabled", "");
    try {
      await post(ctx.base + "/aliases", { alias: v });
      input.value = "";
      ctx.app.announce("Alias added.");
      await card.reload();
      input.focus();
    } catch (x) {
      if (!ctx.refused(x)) errors.show(x);
    } finally {
      addBtn.removeAttribute("disabled");
    }
  });
  return h("div", { class: "tab-body" }, card.el);
}
