// The user panel: who the visitor is and how sure Kith is of it. The trust
// badge and how it was earned (method in words, the key or token id, when),
// identifiers, account and workspaces, custom fields with verified and
// unverified values apart, the user's other conversations, their widget
// sessions with Revoke and Revoke all (S7), and the identity-event timeline
// (R8).

import type { App } from "../app";
import { message } from "../api";
import { ago, avatar, fill, full, h, icon, icons, isPhone, keepFocus, short, time, type Child } from "../dom";
import type { IdentityEvent, Item, UserAnswer, WidgetSession } from "../types";
import { badge, keyLabel, methodWords, verificationOf } from "../trust";
import { confirmDialog } from "./menu";

const eventWords: Record<string, string> = {
  user_created: "User created",
  user_identified: "Identified",
  traits_changed: "Traits changed",
  anonymous_claimed: "Anonymous history claimed",
  anonymous_cleared: "Anonymous history cleared",
  verification_failed: "Verification failed",
  email_withheld: "Email withheld",
  session_revoked: "Session revoked",
  merged: "Merged",
  unmerged: "Merge undone",
};

const trustHow: Record<string, string> = {
  session_token: "The company's backend minted a session token for this user, and the widget redeemed it.",
  opencx_token: "The company's backend asked for a user token for this email, and the widget presented it.",
  user_hash: "The page sent an HMAC of the user's id, made with the app's verification secret.",
  jwt: "The page sent a JWT signed with a key registered on the app.",
  claimed: "The page said who this is, and nothing proves it: treat what they say with care.",
  anonymous: "Nobody said who this is: a visitor tied to one browser.",
};

export class PanelView {
  readonly el: HTMLElement;
  private app: App;
  private body = h("div", { class: "panel-body" });

  constructor(app: App) {
    this.app = app;
    this.el = h(
      "aside",
      { class: "userpanel", id: "user-panel", "aria-labelledby": "panel-title", tabindex: "-1" },
      h(
        "header",
        { class: "panel-head" },
        h("h2", { id: "panel-title", class: "pane-title" }, "About the user"),
        h(
          "button",
          { type: "button", class: "icon-btn panel-refresh", "aria-label": "Refresh the user's details", title: "Refresh", onclick: () => app.open && app.loadUser(app.open.user.id) },
          icon(icons.refresh),
        ),
        h("button", { type: "button", class: "icon-btn", "aria-label": "Close the user panel", title: "Close", onclick: () => app.togglePanel() }, icon(icons.close)),
      ),
      this.body,
    );
  }

  focus(): void {
    this.el.focus();
  }

  render(): void {
    const app = this.app;
    if (!app.openId) {
      fill(this.body);
      return;
    }
    if (app.userError) {
      fill(this.body, h("p", { class: "panel-error", role: "alert" }, "The user could not be loaded: " + app.userError));
      return;
    }
    const u = app.user;
    if (!u) {
      fill(this.body, h("div", { class: "skeletons" }, [0, 1, 2].map(() => h("div", { class: "skeleton" }))));
      return;
    }
    keepFocus(this.el, () => fill(this.body, this.who(u), this.verification(u), this.identifiers(u), this.fields(u), this.conversations(u), this.sessions(u), this.events(u)));
  }

  private who(a: UserAnswer): HTMLElement {
    const u = a.user;
    return h(
      "section",
      { class: "who", "data-user-id": u.id },
      avatar(u.display_name, u.id, "lg"),
      h("div", { class: "who-text" }, h("h3", { class: "who-name" }, u.display_name || "Visitor"), badge(u.trust), h("span", { class: "muted small" }, "Known since " + full(u.created_at))),
    );
  }

  private verification(a: UserAnswer): HTMLElement {
    const u = a.user;
    const v = a.verification;
    const how = verificationOf(v, u.trust);
    const rows: Child[] = [];
    if (v && v.key) rows.push(dt(keyLabel(v.method)), h("dd", null, h("code", { class: "key" }, v.key)));
    if (v && v.at) rows.push(dt("When"), h("dd", { class: "stack" }, time(v.at, ago(v.at)), h("span", { class: "muted small" }, full(v.at))));
    return h(
      "section",
      { class: "trust-card trust-" + u.trust, "aria-label": "How the trust was earned" },
      h("div", { class: "trust-card-head" }, icon(u.trust === "verified" ? icons.shieldCheck : u.trust === "unverified" ? icons.shield : icons.user), h("strong", { class: "trust-method" }, how.words)),
      h("p", { class: "trust-why" }, trustHow[how.method] || ""),
      rows.length ? h("dl", { class: "kv" }, rows) : null,
    );
  }

  /** A button that narrows the list to the conversations of an account or workspace. */
  private narrow(what: string, run: () => void): HTMLElement {
    return h(
      "button",
      {
        type: "button",
        class: "btn small ghost narrow",
        "aria-label": "List the conversations of " + what,
        title: "List the conversations of " + what,
        onclick: () => {
          run();
          // A phone shows one pane: the narrowed list is the one to see.
          if (isPhone()) this.app.openConversation(null);
        },
      },
      icon(icons.inbox),
      "Conversations",
    );
  }

  private identifiers(a: UserAnswer): HTMLElement | null {
    const u = a.user;
    const rows: Child[] = [];
    if (u.user_ref) rows.push(dt("user_ref"), h("dd", null, h("code", null, u.user_ref)));
    if (u.email) rows.push(dt("Email"), h("dd", u.trust === "verified" ? null : { class: "unverified" }, u.email, u.trust === "verified" ? h("span", { class: "tag ok" }, "verified") : h("span", { class: "tag warn" }, "claimed")));
    if (u.unverified_email) rows.push(dt("Email"), h("dd", { class: "unverified" }, u.unverified_email, h("span", { class: "tag warn" }, "unverified")));
    for (const p of u.phone_numbers || []) rows.push(dt("Phone"), h("dd", null, p));
    const acc = u.account;
    if (acc) {
      const name = acc.display_name || acc.account_ref;
      rows.push(
        dt("Account"),
        h("dd", { class: "with-filter" }, h("span", null, name, acc.display_name && acc.account_ref ? h("span", { class: "muted" }, " · " + acc.account_ref) : null), this.narrow("account " + name, () => this.app.setFilter({ account: acc.id, accountName: name }))),
      );
    }
    for (const w of u.workspaces || []) {
      rows.push(
        dt("Workspace"),
        h(
          "dd",
          { class: "with-filter" },
          h("span", null, w.display_name || w.workspace_ref, w.display_name && w.workspace_ref ? h("span", { class: "muted" }, " · " + w.workspace_ref) : null),
          this.narrow("workspace " + (w.display_name || w.workspace_ref), () => this.app.setFilter({ workspace: w.workspace_ref })),
        ),
      );
    }
    rows.push(dt("User id"), h("dd", null, h("code", { class: "key" }, u.id)));
    return section("Identifiers", h("dl", { class: "kv" }, rows));
  }

  private fields(a: UserAnswer): HTMLElement | null {
    const verified = entries(a.user.custom_fields);
    const unverified = entries(a.user.unverified_custom_fields);
    if (verified.length === 0 && unverified.length === 0) return null;
    const table = (list: [string, unknown][], cls: string, caption: string) =>
      h(
        "table",
        { class: "fields " + cls },
        h("caption", null, caption),
        h("tbody", null, list.map(([k, v]) => h("tr", null, h("th", { scope: "row" }, k.replace(/^tnt__/, "")), h("td", null, show(v))))),
      );
    return section(
      "Custom fields",
      verified.length ? table(verified, "verified", "Verified: from the company's backend") : null,
      unverified.length ? table(unverified, "unverified", "Unverified: claimed by the browser") : null,
    );
  }

  private conversations(a: UserAnswer): HTMLElement | null {
    const others = (a.conversations || []).filter((c) => c.id !== this.app.openId);
    if (others.length === 0) return section("Other conversations", h("p", { class: "muted small" }, "None."));
    return section(
      "Other conversations",
      h(
        "ul",
        { class: "mini-list" },
        others.slice(0, 10).map((c: Item) =>
          h(
            "li",
            null,
            h(
              "a",
              {
                href: this.app.url(c.id),
                class: "mini",
                onclick: (e: Event) => {
                  e.preventDefault();
                  this.app.openConversation(c.id);
                },
              },
              h("span", { class: "status-pill " + c.status }, c.status === "open" ? "Open" : c.status === "snoozed" ? "Snoozed" : "Resolved"),
              h("span", { class: "mini-text" }, c.last_message ? c.last_message.body : "No messages"),
              h("span", { class: "muted small" }, short(c.updated_at)),
            ),
          ),
        ),
      ),
    );
  }

  private sessions(a: UserAnswer): HTMLElement {
    const list = a.sessions || [];
    const active = list.filter((s) => s.active);
    const all = h(
      "button",
      {
        type: "button",
        class: "btn small danger-ghost",
        id: "revoke-all",
        disabled: active.length === 0,
        onclick: () =>
          confirmDialog("End every session of this user?", "Each of their browsers goes back to an anonymous visitor at once, and must be identified again.", "End all sessions", async () => {
            await this.app.revokeAll(a.user.id);
          }),
      },
      "Revoke all",
    );
    const rows = list
      .slice()
      .sort((x, y) => (x.active === y.active ? (x.last_seen_at < y.last_seen_at ? 1 : -1) : x.active ? -1 : 1))
      .slice(0, 20)
      .map((s) => this.session(s));
    return section(
      "Sessions",
      h("div", { class: "section-tools" }, h("span", { class: "muted small" }, active.length + " active of " + list.length), all),
      rows.length ? h("ul", { class: "sessions" }, rows) : h("p", { class: "muted small" }, "No widget sessions."),
    );
  }

  private session(s: WidgetSession): HTMLElement {
    const err = h("span", { class: "form-error small", role: "alert" });
    const revoke = s.active
      ? h(
          "button",
          {
            type: "button",
            class: "btn small",
            "data-session": s.id,
            onclick: async (e: Event) => {
              const b = e.currentTarget as HTMLButtonElement;
              b.setAttribute("disabled", "");
              try {
                await this.app.revokeSession(s.id);
              } catch (x) {
                err.textContent = message(x);
                b.removeAttribute("disabled");
              }
            },
          },
          "Revoke",
        )
      : null;
    const state = s.revoked_at ? "Revoked " + ago(s.revoked_at) : s.active ? "Active · seen " + ago(s.last_seen_at) : "Expired";
    return h(
      "li",
      { class: "session" + (s.active ? " active" : "") },
      h(
        "div",
        { class: "session-main" },
        h("div", { class: "session-top" }, badge(s.trust, "small"), h("span", { class: "session-how" }, methodWords(s.method, s.trust))),
        h("div", { class: "muted small" }, state),
        h("div", { class: "muted small" }, "Device ", h("code", null, s.device_id ? s.device_id.slice(-8) : "—"), s.proof ? [" · ", keyLabel(s.method).toLowerCase(), " ", h("code", null, s.proof)] : null, s.label ? " · " + s.label : null, s.workspace_ref ? " · " + s.workspace_ref : null),
        err,
      ),
      revoke,
    );
  }

  private events(a: UserAnswer): HTMLElement {
    const list = (a.events || []).slice().sort((x, y) => (x.created_at < y.created_at ? 1 : -1));
    return section(
      "Identity events",
      list.length
        ? h("ol", { class: "timeline" }, list.slice(0, 30).map((e) => this.event(e)))
        : h("p", { class: "muted small" }, "No identity events yet."),
    );
  }

  private event(e: IdentityEvent): HTMLElement {
    const detail = entries(e.detail);
    return h(
      "li",
      { class: "tl-item kind-" + e.kind },
      h("span", { class: "tl-dot", "aria-hidden": "true" }),
      h(
        "div",
        { class: "tl-body" },
        h("div", { class: "tl-top" }, h("strong", null, eventWords[e.kind] || e.kind.replace(/_/g, " ")), time(e.created_at, short(e.created_at))),
        e.method ? h("div", { class: "muted small" }, methodWords(e.method, e.method === "claimed" ? "unverified" : e.method === "anonymous" ? "anonymous" : "verified")) : null,
        detail.length ? h("dl", { class: "tl-detail" }, detail.slice(0, 8).map(([k, v]) => [h("dt", null, k.replace(/_/g, " ")), h("dd", null, show(v))])) : null,
      ),
    );
  }
}

function section(title: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "panel-section" }, h("h3", { class: "section-h" }, title), children);
}

function dt(text: string): HTMLElement {
  return h("dt", null, text);
}

function entries(o: Record<string, unknown> | null | undefined): [string, unknown][] {
  if (!o || typeof o !== "object") return [];
  return Object.keys(o)
    .sort()
    .map((k) => [k, o[k]] as [string, unknown]);
}

function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.map(show).join(", ");
  try {
    return JSON.stringify(v);
  } catch (e) {
    return String(v);
  }
}
