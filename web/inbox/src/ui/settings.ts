// The settings pages: the agent's own sessions (end any of them), and for
// admins the agents of the organization (add one, disable one: their
// sessions and live connections end at once) and its apps (AppsPage).

import type { App } from "../app";
import { ApiError, del, get, message, post } from "../api";
import { ago, avatar, fill, full, h, icon, icons } from "../dom";
import type { Agent, AgentSession, Page, Presence, Role } from "../types";
import { AppsPage } from "./apps";
import { confirmDialog, dialog } from "./menu";

export class SettingsView {
  readonly el: HTMLElement;
  private app: App;
  private body = h("div", { class: "settings-body" });
  private seq = 0;
  private apps: AppsPage;

  constructor(app: App) {
    this.app = app;
    this.apps = new AppsPage(app);
    this.el = h("main", { class: "settings", id: "settings", "aria-labelledby": "settings-title", tabindex: "-1" }, this.body);
  }

  focus(): void {
    const t = this.el.querySelector<HTMLElement>("#settings-title");
    if (t) t.focus();
  }

  render(): void {
    const page = this.app.page;
    if (page !== "apps") this.apps.reset();
    if (page === "agents") this.agents();
    else if (page === "sessions") this.sessions();
    else if (page === "apps") this.showApps();
    else fill(this.body);
  }

  private showApps(): void {
    ++this.seq; // a page still loading elsewhere must not draw over this one
    if (this.apps.el.parentNode !== this.body) fill(this.body, this.apps.el);
    this.apps.render();
  }

  private head(title: string, sub: string, ...tools: HTMLElement[]): HTMLElement {
    return h(
      "header",
      { class: "settings-head" },
      h("button", { type: "button", class: "btn ghost", onclick: () => this.app.showPage("inbox") }, icon(icons.back), "Inbox"),
      h("div", { class: "settings-title" }, h("h1", { id: "settings-title", tabindex: "-1" }, title), h("p", { class: "muted" }, sub)),
      h("div", { class: "settings-tools" }, tools),
    );
  }

  private async agents(): Promise<void> {
    const seq = ++this.seq;
    const add = h("button", { type: "button", class: "btn primary", id: "add-agent", onclick: () => this.addAgent() }, icon(icons.plus), "Add agent");
    const table = h("div", { class: "card" }, h("p", { class: "muted pad" }, "Loading…"));
    fill(this.body, this.head("Agents", "Who answers for " + this.app.me.org.name + ". Admins manage settings and agents; agents answer.", add), table);
    let list: Agent[];
    try {
      list = (await get<Page<Agent>>("/agents")).data || [];
    } catch (e) {
      if (seq === this.seq) fill(table, h("p", { class: "form-error pad", role: "alert" }, message(e)));
      return;
    }
    if (seq !== this.seq) return;
    const presence = new Map(this.app.team.map((t) => [t.id, t.presence]));
    presence.set(this.app.me.agent.id, this.app.presence);
    fill(
      table,
      h(
        "table",
        { class: "grid" },
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "Agent"), h("th", { scope: "col" }, "Role"), h("th", { scope: "col" }, "Last login"), h("th", { scope: "col" }, "Status"), h("th", { scope: "col" }, h("span", { class: "sr" }, "Actions")))),
        h(
          "tbody",
          null,
          list.map((a) => {
            const disabled = !!a.disabled_at;
            const me = a.id === this.app.me.agent.id;
            const p = presence.get(a.id) || "offline";
            return h(
              "tr",
              { class: disabled ? "disabled" : "" },
              h("td", null, h("div", { class: "agent-cell" }, avatar(a.name, a.id, "sm"), h("div", null, h("strong", null, a.name, me ? " (you)" : ""), h("div", { class: "muted small" }, a.email)))),
              h("td", null, h("span", { class: "tag" + (a.role === "admin" ? " admin" : "") }, a.role === "admin" ? "Admin" : "Agent")),
              h("td", { class: "muted" }, a.last_login_at ? h("time", { datetime: a.last_login_at, title: full(a.last_login_at) }, ago(a.last_login_at)) : "Never"),
              h("td", { "data-presence-of": disabled ? null : a.id }, disabled ? h("span", { class: "tag warn" }, "Disabled") : presenceLabel(p)),
              h(
                "td",
                { class: "actions" },
                disabled || me
                  ? null
                  : h(
                      "button",
                      {
                        type: "button",
                        class: "btn small danger-ghost",
                        "aria-label": "Disable " + a.name,
                        onclick: () =>
                          confirmDialog("Disable " + a.name + "?", "They are logged out everywhere at once and can no longer log in. Their replies and notes stay.", "Disable", async () => {
                            await post("/agents/" + encodeURIComponent(a.id) + "/disable");
                            this.app.refreshTeam();
                            this.render();
                          }),
                      },
                      "Disable",
                    ),
              ),
            );
          }),
        ),
      ),
    );
  }

  /** Updates the agents page's presence column as the team's presence changes. */
  renderPresence(): void {
    if (this.app.page !== "agents") return;
    for (const td of Array.from(this.el.querySelectorAll<HTMLElement>("[data-presence-of]"))) {
      const m = this.app.team.find((t) => t.id === td.getAttribute("data-presence-of"));
      fill(td, presenceLabel(m ? m.presence : "offline"));
    }
  }

  private addAgent(): void {
    const name = h("input", { id: "agent-name", required: true, autocomplete: "off" });
    const email = h("input", { id: "agent-email", type: "email", required: true, autocomplete: "off", spellcheck: "false" });
    const role = h("select", { id: "agent-role", class: "select" }, h("option", { value: "agent" }, "Agent: answers conversations"), h("option", { value: "admin" }, "Admin: also manages agents and settings"));
    const password = h("input", { id: "agent-password", type: "password", required: true, autocomplete: "new-password", minlength: "12" });
    const err = h("p", { class: "form-error", role: "alert" });
    const submit = h("button", { type: "submit", class: "btn primary" }, "Add agent");
    const cancel = h("button", { type: "button", class: "btn" }, "Cancel");
    const fields: Record<string, HTMLElement> = { name, email, role, password };
    const form = h(
      "form",
      { class: "form", novalidate: true },
      h("div", { class: "field" }, h("label", { for: "agent-name" }, "Name"), name),
      h("div", { class: "field" }, h("label", { for: "agent-email" }, "Email"), email),
      h("div", { class: "field" }, h("label", { for: "agent-role" }, "Role"), role),
      h("div", { class: "field" }, h("label", { for: "agent-password" }, "First password"), password, h("p", { class: "muted small" }, "Give it to them in person or by a channel you trust.")),
      err,
      h("div", { class: "dialog-actions" }, cancel, submit),
    );
    const close = dialog("Add an agent", form);
    cancel.addEventListener("click", close);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      submit.setAttribute("disabled", "");
      err.textContent = "";
      for (const f of Object.values(fields)) f.removeAttribute("aria-invalid");
      try {
        await post("/agents", { name: name.value.trim(), email: email.value.trim(), role: role.value as Role, password: password.value });
        close();
        this.app.announce("Agent added.");
        this.app.refreshTeam();
        this.render();
      } catch (x) {
        err.textContent = message(x);
        const f = x instanceof ApiError ? fields[x.field] : undefined;
        if (f) {
          f.setAttribute("aria-invalid", "true");
          f.focus();
        }
        submit.removeAttribute("disabled");
      }
    });
  }

  private async sessions(): Promise<void> {
    const seq = ++this.seq;
    const card = h("div", { class: "card" }, h("p", { class: "muted pad" }, "Loading…"));
    fill(this.body, this.head("Your sessions", "Every browser logged in as " + this.app.me.agent.email + ". End any you do not recognise."), card);
    let list: AgentSession[];
    try {
      list = (await get<Page<AgentSession>>("/sessions")).data || [];
    } catch (e) {
      if (seq === this.seq) fill(card, h("p", { class: "form-error pad", role: "alert" }, message(e)));
      return;
    }
    if (seq !== this.seq) return;
    fill(
      card,
      h(
        "ul",
        { class: "agent-sessions" },
        list.map((s) =>
          h(
            "li",
            { class: "agent-session" },
            h(
              "div",
              null,
              h("strong", null, browserName(s.user_agent)),
              s.current ? h("span", { class: "tag ok" }, "This browser") : null,
              h("div", { class: "muted small" }, (s.address || "unknown address") + " · logged in " + ago(s.created_at) + " · seen " + ago(s.last_seen_at)),
            ),
            h(
              "button",
              {
                type: "button",
                class: "btn small" + (s.current ? "" : " danger-ghost"),
                onclick: async () => {
                  if (s.current) return this.app.logout();
                  try {
                    await del("/sessions/" + encodeURIComponent(s.id));
                    this.render();
                  } catch (e) {
                    this.app.announce(message(e));
                  }
                },
              },
              s.current ? "Log out" : "End",
            ),
          ),
        ),
      ),
    );
  }
}

function presenceLabel(p: Presence): HTMLElement {
  return h("span", { class: "presence-label" }, h("span", { class: "presence inline " + p }), p === "online" ? "Online" : p === "away" ? "Away" : "Offline");
}

function browserName(ua: string): string {
  if (!ua) return "Unknown browser";
  const b = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "A browser";
  const os = /Windows/.test(ua) ? "Windows" : /Mac OS X/.test(ua) ? "macOS" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Linux/.test(ua) ? "Linux" : "";
  return os ? b + " on " + os : b;
}
