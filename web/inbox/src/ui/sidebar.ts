// The left pane: the views with their counts (open, snoozed, resolved;
// all, mine, unassigned; unread), the trust filter, the team and who of it
// is online, and the agent's own menu (notifications, sound, shortcuts,
// sessions, agents for admins, log out).

import type { App } from "../app";
import { avatar, fill, h, icon, icons, keepFocus } from "../dom";
import { permission } from "../notify";
import type { Presence, Status, Trust } from "../types";
import { logo } from "./logo";
import { menuButton, type MenuItem } from "./menu";
import { shortcutSheet } from "./keys";

const presenceWords: Record<Presence, string> = { online: "Online", away: "Away", offline: "Offline" };

export class Sidebar {
  readonly el: HTMLElement;
  private app: App;
  private views = h("div", { class: "views" });
  private team = h("div", { class: "team" });
  private foot = h("div", { class: "side-foot" });

  constructor(app: App) {
    this.app = app;
    this.el = h(
      "nav",
      { class: "sidebar", "aria-label": "Inbox views" },
      h("div", { class: "brand" }, logo(), h("div", { class: "brand-text" }, h("strong", null, "Kith"), h("span", null, app.me.org.name))),
      this.views,
      this.team,
      this.foot,
    );
  }

  render(): void {
    const app = this.app;
    const f = app.filter;
    const c = app.counts;
    const inbox = app.page === "inbox";
    const item = (label: string, d: string, on: boolean, count: number | undefined, run: () => void, hint?: string): HTMLElement =>
      h(
        "li",
        null,
        h(
          "button",
          { type: "button", class: "view" + (on ? " on" : ""), "aria-pressed": String(on), onclick: run, title: hint || null },
          icon(d),
          h("span", { class: "view-label" }, label),
          count !== undefined && count > 0 ? h("span", { class: "count", "aria-label": count + " conversations" }, count > 999 ? "999+" : String(count)) : null,
        ),
      );
    const status = (s: Status, label: string, d: string) => item(label, d, inbox && f.status === s, c ? c[s] : undefined, () => app.setFilter({ status: s }));
    const assignee = (a: string, label: string, d: string, count?: number) => item(label, d, inbox && f.assignee === a, count, () => app.setFilter({ assignee: a }));
    const trust = (t: Trust | "", label: string) =>
      h("button", { type: "button", class: "chip" + (f.trust === t ? " on" : ""), "aria-pressed": String(f.trust === t), onclick: () => app.setFilter({ trust: t }) }, label);
    keepFocus(this.views, () => fill(
      this.views,
      h("h2", { class: "side-h" }, "Status"),
      h("ul", { class: "view-list" }, status("open", "Open", icons.inbox), status("snoozed", "Snoozed", icons.clock), status("resolved", "Resolved", icons.check)),
      h("h2", { class: "side-h" }, "Assigned"),
      h(
        "ul",
        { class: "view-list" },
        assignee("all", "All", icons.users),
        assignee("me", "Mine", icons.user, c ? c.mine : undefined),
        assignee("none", "Unassigned", icons.userOff, c ? c.unassigned : undefined),
      ),
      h("h2", { class: "side-h" }, "Filters"),
      h("ul", { class: "view-list" }, item("Unread", icons.mail, inbox && f.unread, c ? c.unread : undefined, () => app.setFilter({ unread: !f.unread }))),
      h("div", { class: "chips", role: "group", "aria-label": "Trust" }, trust("", "Anyone"), trust("verified", "Verified"), trust("unverified", "Unverified"), trust("anonymous", "Guest")),
    ));
    this.renderTeam();
    this.renderFoot();
  }

  renderCounts(): void {
    this.render();
  }

  renderTeam(): void {
    const team = [...this.app.team].sort((a, b) => rank(a.presence) - rank(b.presence) || a.name.localeCompare(b.name));
    const online = team.filter((t) => t.presence === "online").length;
    fill(
      this.team,
      h("h2", { class: "side-h" }, "Team ", h("span", { class: "muted" }, "· " + online + " online")),
      h(
        "ul",
        { class: "team-list", "aria-label": "Agents and their presence" },
        team.slice(0, 12).map((t) =>
          h(
            "li",
            { class: "member" },
            h("span", { class: "avatar-wrap" }, avatar(t.name, t.id, "sm"), h("span", { class: "presence " + t.presence, title: presenceWords[t.presence] })),
            h("span", { class: "member-name" }, t.id === this.app.me.agent.id ? t.name + " (you)" : t.name),
            h("span", { class: "sr" }, ", " + presenceWords[t.presence]),
          ),
        ),
      ),
    );
    this.renderFoot();
  }

  private meEl = h("div", { class: "me" });
  private menu: HTMLElement | null = null;

  private renderFoot(): void {
    const app = this.app;
    const me = app.me.agent;
    fill(
      this.meEl,
      h("span", { class: "avatar-wrap" }, avatar(me.name, me.id, "sm"), h("span", { class: "presence " + app.presence })),
      h("span", { class: "me-text" }, h("strong", null, me.name), h("span", { class: "muted" }, presenceWords[app.presence] + (me.role === "admin" ? " · Admin" : ""))),
    );
    // The menu is made once: the team's presence redraws the footer while it may be open.
    if (!this.menu) {
      this.menu = menuButton(icon(icons.settings), "Settings and account", () => this.items(), { cls: "icon-btn", up: true, align: "right" });
      fill(this.foot, this.meEl, this.menu);
    }
  }

  private items(): (MenuItem | "-")[] {
    const app = this.app;
    const perm = permission();
    const list: (MenuItem | "-")[] = [
      { label: "Sound for new messages", checked: app.prefs.sound, run: () => app.setPrefs({ sound: !app.prefs.sound }) },
      {
        label: perm === "denied" ? "Desktop notifications (blocked by the browser)" : "Desktop notifications",
        checked: app.prefs.notifications && perm === "granted",
        run: () => app.setPrefs({ notifications: !(app.prefs.notifications && perm === "granted") }),
      },
      "-",
      { label: "Keyboard shortcuts", hint: "?", run: () => shortcutSheet() },
      { label: "Your sessions", run: () => app.showPage("sessions") },
    ];
    if (app.me.agent.role === "admin") list.push({ label: "Agents", run: () => app.showPage("agents") }, { label: "Apps and keys", run: () => app.showPage("apps") });
    list.push("-", { label: "Log out", danger: true, run: () => app.logout() });
    return list;
  }
}

function rank(p: Presence): number {
  return p === "online" ? 0 : p === "away" ? 1 : 2;
}
