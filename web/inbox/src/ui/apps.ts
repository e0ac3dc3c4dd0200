// The organization's apps, for admins (I3, section 9): the list, and each
// app's page with a tab for its settings, access tokens, verification
// secrets, JWT keys, aliases and custom fields. The address says which
// (/inbox/settings/apps?app=ID&tab=tokens): a reload or a link keeps the
// place. Agents who are not admins are told that this is not for them.

import type { App } from "../app";
import { ApiError, get } from "../api";
import { avatar, fill, full, h, icon, icons } from "../dom";
import type { AppInfo } from "../types";
import { fieldsTab } from "./appfields";
import { aliasesTab, jwtKeysTab, secretsTab, tokensTab } from "./appkeys";
import { settingsTab } from "./appsettings";
import { dots, emptyState, innerLink, loadError, pageHead } from "./kit";

/** What a tab of an app's page is given: the app, where its API is, and how to report back. */
export interface AppContext {
  app: App;
  info: AppInfo;
  /** The app's path in the inbox's API: /apps/ID. */
  base: string;
  /** Shows the refusal page if the error says the agent is not an admin (any more); true if so. */
  refused: (e: unknown) => boolean;
  /** Tells the page that the app changed (its settings were saved). */
  updated: (a: AppInfo) => void;
}

export type AppTab = "settings" | "tokens" | "secrets" | "jwt" | "aliases" | "fields";

const TABS: [AppTab, string][] = [
  ["settings", "Settings"],
  ["tokens", "Access tokens"],
  ["secrets", "Verification secrets"],
  ["jwt", "JWT keys"],
  ["aliases", "Aliases"],
  ["fields", "Custom fields"],
];

function tabOf(s: string | null): AppTab {
  const t = TABS.find(([k]) => k === s);
  return t ? t[0] : "settings";
}

export function appsURL(appId?: string, tab: AppTab = "settings"): string {
  if (!appId) return "/inbox/settings/apps";
  return "/inbox/settings/apps?app=" + encodeURIComponent(appId) + (tab === "settings" ? "" : "&tab=" + tab);
}

interface Shown {
  id: string;
  info: AppInfo | null;
  tab: AppTab;
  title: HTMLElement;
  sub: HTMLElement;
  links: Map<AppTab, HTMLElement>;
  panel: HTMLElement;
}

export class AppsPage {
  readonly el = h("div", { class: "apps-page" });
  private app: App;
  private seq = 0;
  private shown: Shown | null = null;

  constructor(app: App) {
    this.app = app;
  }

  /** Forgets the page shown: the next render loads it afresh. */
  reset(): void {
    this.shown = null;
  }

  render(): void {
    if (this.app.me.agent.role !== "admin") return this.refusal();
    const q = new URLSearchParams(location.search);
    const id = q.get("app");
    const tab = tabOf(q.get("tab"));
    if (!id) {
      this.shown = null;
      this.list();
    } else if (this.shown && this.shown.id === id) {
      this.showTab(tab);
    } else {
      this.page(id, tab);
    }
  }

  private go(appId?: string, tab: AppTab = "settings"): void {
    const toPage = !this.shown || this.shown.id !== appId;
    this.app.navigate(appsURL(appId, tab));
    this.render();
    if (toPage) {
      const t = this.el.querySelector<HTMLElement>("#settings-title");
      if (t) t.focus();
    }
  }

  private toInbox = { label: "Inbox", run: () => this.app.showPage("inbox") };

  /** What an agent who is not an admin sees here. */
  refusal(): void {
    this.shown = null;
    ++this.seq;
    fill(
      this.el,
      pageHead(this.toInbox, "Apps", "The apps of " + this.app.me.org.name + ", their settings and keys."),
      h(
        "div",
        { class: "card refusal", id: "apps-refused" },
        icon(icons.lock, "refusal-icon"),
        h("h2", null, "Only admins manage apps"),
        h(
          "p",
          { class: "muted" },
          "An app's settings, access tokens and keys decide who may speak for your customers, so only an admin of " +
            this.app.me.org.name +
            " sees them. Ask an admin if something needs to change.",
        ),
        h("button", { type: "button", class: "btn primary", onclick: () => this.app.showPage("inbox") }, "Back to the inbox"),
      ),
    );
  }

  /** A request refused because the agent is not (or no longer) an admin shows the refusal. */
  private refused = (e: unknown): boolean => {
    if (e instanceof ApiError && e.status === 403 && e.code === "admin_only") {
      this.refusal();
      return true;
    }
    return false;
  };

  private async list(): Promise<void> {
    const seq = ++this.seq;
    const body = h("div", { class: "card" }, h("p", { class: "muted pad" }, "Loading…"));
    fill(
      this.el,
      pageHead(this.toInbox, "Apps", "The websites and products " + this.app.me.org.name + " chats on. Each has its own settings, keys and access tokens."),
      body,
      h("p", { class: "muted small apps-foot" }, "To add an app, run ", h("code", { class: "key" }, "kith apps create --name NAME"), " beside the server."),
    );
    let list: AppInfo[];
    try {
      list = (await get<{ data: AppInfo[] }>("/apps")).data || [];
    } catch (e) {
      if (seq !== this.seq || this.refused(e)) return;
      fill(body, loadError(e, () => this.list()));
      return;
    }
    if (seq !== this.seq) return;
    if (list.length === 0) {
      fill(body, emptyState(icons.app, "No apps yet", "Run kith apps create --name NAME beside the server to make the first one."));
      return;
    }
    fill(
      body,
      h(
        "ul",
        { class: "app-list", id: "app-list" },
        list.map((a) =>
          h(
            "li",
            null,
            innerLink(
              appsURL(a.id),
              { class: "app-row", "data-app-id": a.id },
              () => this.go(a.id),
              avatar(a.name, a.id),
              h(
                "span",
                { class: "app-row-main" },
                h("span", { class: "app-row-name" }, a.name),
                h("span", { class: "app-row-meta" }, dots(h("code", { class: "key" }, a.id), "created " + full(a.created_at))),
                h("span", { class: "app-row-tags" }, summary(a)),
              ),
              icon(icons.right, "app-row-go"),
            ),
          ),
        ),
      ),
    );
  }

  private page(id: string, tab: AppTab): void {
    const seq = ++this.seq;
    const title = h("h1", { id: "settings-title", tabindex: "-1" }, "App");
    const sub = h("span", null, "Loading…");
    const links = new Map<AppTab, HTMLElement>();
    const nav = h(
      "nav",
      { class: "tabs", "aria-label": "The app's settings" },
      h(
        "ul",
        null,
        TABS.map(([t, label]) => {
          const a = innerLink(appsURL(id, t), { class: "tab", "data-tab": t }, () => this.go(id, t), label);
          links.set(t, a);
          return h("li", null, a);
        }),
      ),
    );
    const panel = h("div", { class: "tab-panel" });
    this.shown = { id, info: null, tab, title, sub, links, panel };
    fill(this.el, pageHead({ label: "Apps", run: () => this.go() }, title, sub), nav, panel);
    this.markTab(tab);
    fill(panel, h("div", { class: "card" }, h("p", { class: "muted pad" }, "Loading…")));
    this.load(id, seq);
  }

  private async load(id: string, seq: number): Promise<void> {
    const s = this.shown;
    if (!s) return;
    let info: AppInfo | undefined;
    try {
      info = ((await get<{ data: AppInfo[] }>("/apps")).data || []).find((a) => a.id === id);
    } catch (e) {
      if (seq !== this.seq || this.refused(e)) return;
      fill(s.panel, h("div", { class: "card" }, loadError(e, () => this.load(id, seq))));
      return;
    }
    if (seq !== this.seq || this.shown !== s) return;
    if (!info) {
      s.title.textContent = "App not found";
      fill(s.sub, "");
      fill(s.panel, h("div", { class: "card" }, emptyState(icons.app, "This app does not exist", "Or it is not of " + this.app.me.org.name + ". Go back to the list of apps.")));
      return;
    }
    s.info = info;
    this.head(info);
    this.showTab(s.tab, true);
  }

  private head(info: AppInfo): void {
    const s = this.shown;
    if (!s) return;
    s.title.textContent = info.name;
    fill(s.sub, dots(h("span", null, "App id ", h("code", { class: "key", id: "app-id" }, info.id)), "created " + full(info.created_at)));
  }

  private markTab(tab: AppTab): void {
    if (!this.shown) return;
    for (const [t, a] of this.shown.links) {
      if (t === tab) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
  }

  private showTab(tab: AppTab, force = false): void {
    const s = this.shown;
    if (!s) return;
    if (s.tab === tab && !force && s.panel.firstChild && s.info) return;
    s.tab = tab;
    this.markTab(tab);
    if (!s.info) return; // load() shows it once the app is known
    const ctx: AppContext = {
      app: this.app,
      info: s.info,
      base: "/apps/" + encodeURIComponent(s.info.id),
      refused: this.refused,
      updated: (a) => {
        s.info = a;
        this.head(a);
      },
    };
    const content =
      tab === "settings" ? settingsTab(ctx) : tab === "tokens" ? tokensTab(ctx) : tab === "secrets" ? secretsTab(ctx) : tab === "jwt" ? jwtKeysTab(ctx) : tab === "aliases" ? aliasesTab(ctx) : fieldsTab(ctx);
    fill(s.panel, content);
  }
}

/** An app's state at a glance, in the list. */
function summary(a: AppInfo): HTMLElement[] {
  const st = a.settings;
  const n = st.allowed_origins.length;
  return [
    st.verification_required
      ? h("span", { class: "tag ok" }, icon(icons.shieldCheck), "Verification required")
      : h("span", { class: "tag" }, icon(icons.shield), "Verification optional"),
    n === 0
      ? h("span", { class: "tag warn" }, icon(icons.globe), "No site allowed yet")
      : st.allowed_origins.includes("*")
        ? h("span", { class: "tag warn" }, icon(icons.globe), "Any site")
        : h("span", { class: "tag" }, icon(icons.globe), n === 1 ? st.allowed_origins[0] : n + " sites"),
  ];
}
