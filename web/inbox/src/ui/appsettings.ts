// An app's settings tab: the form of its settings by the CLI's names
// (section 9). Saving sends the settings that changed, all or none; an
// error goes under the field the server names.

import { patch } from "../api";
import { h, icon, icons } from "../dom";
import type { AppInfo, AppSettings } from "../types";
import type { AppContext } from "./apps";
import { FormErrors, newId } from "./kit";

const ON_LOGIN: [AppSettings["on_login"], string][] = [
  ["keep", "Keep them with the anonymous visitor"],
  ["clear", "Clear them from the device"],
  ["claim", "Let a verified login claim them"],
];

/** Whether a string is an origin the server takes: scheme and host, no path; or * for any. */
export function looksLikeOrigin(o: string): boolean {
  return o === "*" || /^https?:\/\/[^\s/?#@]+$/i.test(o);
}

interface Row {
  el: HTMLElement;
  control: HTMLElement;
  error: HTMLElement;
}

/** A setting: its name and what it does on the left, the control and its error on the right. */
function setting(name: string, label: string, hint: string, control: HTMLElement, kind: "switch" | "input" = "input"): Row {
  control.id = "setting-" + name;
  const hintId = control.id + "-hint";
  const error = h("p", { class: "field-error", id: control.id + "-error" });
  control.setAttribute("aria-describedby", hintId + " " + error.id);
  const el = h(
    "div",
    { class: "setting " + kind + "-setting", "data-setting": name },
    h("div", { class: "setting-text" }, h("label", { for: control.id }, label), h("p", { class: "hint", id: hintId }, hint)),
    h("div", { class: "setting-control" }, control, error),
  );
  return { el, control, error };
}

export function settingsTab(ctx: AppContext): HTMLElement {
  let current: AppSettings = ctx.info.settings;

  const vr = h("input", { type: "checkbox", class: "switch" });
  const eu = h("input", { type: "checkbox", class: "switch" });
  const onLogin = h("select", { class: "select" }, ON_LOGIN.map(([v, text]) => h("option", { value: v }, text)));
  const anon = h("input", { class: "input short", spellcheck: "false", autocomplete: "off", placeholder: "7d" });
  const life = h("input", { class: "input short", spellcheck: "false", autocomplete: "off", placeholder: "1h" });

  const rows: Record<string, Row> = {
    verification_required: setting(
      "verification_required",
      "Require verification",
      "Visitors who say who they are must prove it: a session token, a user hash or a JWT from your backend. Unverified users can neither see nor start conversations; anonymous visitors still can.",
      vr,
      "switch",
    ),
    email_unique: setting(
      "email_unique",
      "One user per email",
      "An email another user of this app holds already is refused (409 email_taken), so two customers never share one.",
      eu,
      "switch",
    ),
    on_login: setting("on_login", "When a visitor logs in", "What becomes of the conversations they had on this device before: kept apart (keep), never shown again (clear), or moved to the verified user when the page asks (claim).", onLogin),
    anonymous_expiry: setting("anonymous_expiry", "Anonymous visitors expire after", "Without activity; such as 7d or 12h, at least 1h. Agents keep their conversations.", anon),
    session_token_max_lifetime: setting("session_token_max_lifetime", "Session tokens live at most", "What your backend asks for is capped at this; such as 1h or 30m, from 1m to 30d.", life),
  };

  // The allowed origins: one field each, added and removed in place.
  const originList = h("ul", { class: "origins", id: "origins" });
  const originsError = h("p", { class: "field-error", id: "origins-error" });
  const addOrigin = h("button", { type: "button", class: "btn small", id: "add-origin" }, icon(icons.plus), "Add origin");
  let origins: { li: HTMLElement; input: HTMLInputElement; error: HTMLElement }[] = [];
  const renumber = () =>
    origins.forEach((o, i) => {
      o.input.setAttribute("aria-label", "Allowed origin " + (i + 1));
      o.li.querySelector("button")!.setAttribute("aria-label", "Remove allowed origin " + (i + 1));
    });
  const origin = (value: string): HTMLInputElement => {
    const input = h("input", { class: "input mono", type: "text", inputmode: "url", spellcheck: "false", autocomplete: "off", placeholder: "https://www.example.com" });
    input.value = value;
    const error = h("p", { class: "field-error" });
    error.id = newId("origin-error");
    input.setAttribute("aria-describedby", "origins-hint " + error.id);
    const remove = h("button", { type: "button", class: "icon-btn" }, icon(icons.trash));
    const li = h("li", { class: "origin" }, h("div", { class: "origin-row" }, input, remove), error);
    const o = { li, input, error };
    remove.addEventListener("click", () => {
      const i = origins.indexOf(o);
      origins.splice(i, 1);
      li.remove();
      renumber();
      changed();
      const next = origins[i] || origins[i - 1];
      (next ? next.input : addOrigin).focus();
    });
    input.addEventListener("input", changed);
    origins.push(o);
    originList.appendChild(li);
    renumber();
    return input;
  };
  addOrigin.addEventListener("click", () => {
    origin("").focus();
    changed();
  });
  const originsSet = h(
    "fieldset",
    { class: "setting origins-set", "data-setting": "allowed_origins", "aria-describedby": "origins-hint origins-error" },
    h("legend", null, "Allowed origins"),
    h(
      "p",
      { class: "hint", id: "origins-hint" },
      "The sites that may load the widget, for its requests and live connection: a scheme and a host, with a port if any, and no path (https://www.example.com). * lets any site in.",
    ),
    originList,
    originsError,
    addOrigin,
  );

  const put = (st: AppSettings) => {
    vr.checked = st.verification_required;
    eu.checked = st.email_unique;
    onLogin.value = st.on_login;
    anon.value = st.anonymous_expiry;
    life.value = st.session_token_max_lifetime;
    origins = [];
    originList.textContent = "";
    for (const o of st.allowed_origins) origin(o);
  };

  const status = h("span", { class: "save-status", role: "status", id: "settings-status" });
  const general = h("p", { class: "form-error", role: "alert" });
  const save = h("button", { type: "submit", class: "btn primary", id: "save-settings" }, "Save changes");
  const discard = h("button", { type: "button", class: "btn", id: "discard-settings" }, "Discard");
  const errors = new FormErrors(general);

  const wanted = (): Partial<Record<keyof AppSettings, unknown>> => {
    const out: Partial<Record<keyof AppSettings, unknown>> = {};
    if (vr.checked !== current.verification_required) out.verification_required = vr.checked;
    if (eu.checked !== current.email_unique) out.email_unique = eu.checked;
    if (onLogin.value !== current.on_login) out.on_login = onLogin.value;
    if (anon.value.trim() !== current.anonymous_expiry) out.anonymous_expiry = anon.value.trim();
    if (life.value.trim() !== current.session_token_max_lifetime) out.session_token_max_lifetime = life.value.trim();
    const list = origins.map((o) => o.input.value.trim()).filter(Boolean);
    if (list.join("\n") !== current.allowed_origins.join("\n")) out.allowed_origins = list;
    return out;
  };

  function changed(): void {
    const n = Object.keys(wanted()).length;
    form.classList.toggle("dirty", n > 0);
    status.textContent = n === 0 ? "" : n === 1 ? "1 unsaved change" : n + " unsaved changes";
    status.className = "save-status" + (n ? " unsaved" : "");
    discard.toggleAttribute("disabled", n === 0);
  }

  const form = h(
    "form",
    { class: "settings-form", id: "app-settings", novalidate: true, "aria-label": "Settings of " + ctx.info.name },
    h(
      "section",
      { class: "card set-card", "aria-labelledby": "set-verification" },
      h("div", { class: "card-head" }, h("div", { class: "card-title" }, h("h2", { id: "set-verification" }, "Identity"), h("p", { class: "muted" }, "How sure Kith must be of who is chatting."))),
      rows.verification_required.el,
      rows.email_unique.el,
    ),
    h(
      "section",
      { class: "card set-card", "aria-labelledby": "set-sessions" },
      h("div", { class: "card-head" }, h("div", { class: "card-title" }, h("h2", { id: "set-sessions" }, "Logins and lifetimes"), h("p", { class: "muted" }, "What a login does to a device's history, and how long visitors and tokens last."))),
      rows.on_login.el,
      rows.anonymous_expiry.el,
      rows.session_token_max_lifetime.el,
    ),
    h(
      "section",
      { class: "card set-card", "aria-labelledby": "set-origins" },
      h("div", { class: "card-head" }, h("div", { class: "card-title" }, h("h2", { id: "set-origins" }, "Where the widget runs"), h("p", { class: "muted" }, "Requests from any other site are refused (403 origin_not_allowed)."))),
      originsSet,
    ),
    h("div", { class: "save-bar" }, h("div", { class: "save-msg" }, general, status), discard, save),
  );

  for (const [name, r] of Object.entries(rows)) {
    errors.add(name, r.control, r.error);
    r.control.addEventListener(r.control.tagName === "INPUT" && (r.control as HTMLInputElement).type === "text" ? "input" : "change", changed);
  }
  errors.add("allowed_origins", originList, originsError);

  discard.addEventListener("click", () => {
    errors.clear();
    put(current);
    changed();
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.clear();
    for (const o of origins) {
      o.error.textContent = "";
      o.input.removeAttribute("aria-invalid");
    }
    errors.remove("allowed_origins");
    origins.forEach((o, i) => errors.add("allowed_origins[" + i + "]", o.input, o.error));
    errors.add("allowed_origins", originList, originsError);
    const body = wanted();
    if (Object.keys(body).length === 0) {
      status.textContent = "Nothing to save: these are the app's settings.";
      return;
    }
    const bad = origins.findIndex((o) => o.input.value.trim() !== "" && !looksLikeOrigin(o.input.value.trim()));
    if (bad >= 0) {
      errors.at("allowed_origins[" + bad + "]", "Not an origin: a scheme and a host such as https://www.example.com, with no path.");
      return;
    }
    save.setAttribute("disabled", "");
    status.textContent = "Saving…";
    status.className = "save-status";
    try {
      const a = await patch<AppInfo>(ctx.base, { settings: body });
      current = a.settings;
      ctx.updated(a);
      put(current);
      changed();
      status.className = "save-status saved";
      status.textContent = "Saved.";
    } catch (x) {
      if (ctx.refused(x)) return;
      changed();
      errors.show(x);
    } finally {
      save.removeAttribute("disabled");
    }
  });

  put(current);
  changed();
  return form;
}
