// The inbox once an agent has logged in: the state of the views, the list,
// the open conversation and its user, kept current by the live connection,
// and the routes (/inbox, /inbox/c/ID, /inbox/settings/PAGE) that the
// browser's history moves through.

import { ApiError, del, get, message, patch, post, query, serverNow } from "./api";
import { h, isPhone } from "./dom";
import { Live } from "./live";
import { alert, askPermission, title, unlockAudio } from "./notify";
import { loadPrefs, savePrefs, type Prefs } from "./prefs";
import { ANNOUNCE_EVERY, Typing, VISITOR } from "./typing";
import type { Counts, Item, LiveEvent, Me, Message, Note, Page, Presence, Status, TeamMember, Thread, ThreadItem, Trust, UserAnswer } from "./types";
import { Keyboard } from "./ui/keys";
import { ListView } from "./ui/list";
import { closeDialog, closeMenus } from "./ui/menu";
import { PanelView } from "./ui/panel";
import { SettingsView } from "./ui/settings";
import { Sidebar } from "./ui/sidebar";
import { ThreadView } from "./ui/thread";

export interface Filter {
  status: Status;
  /** "all", "me", "none" or an agent's id. */
  assignee: string;
  trust: Trust | "";
  unread: boolean;
  q: string;
  sort: "recent" | "waiting";
  /** The conversations of one account's users: its id, and its name to show. */
  account: string;
  accountName: string;
  /** The conversations of one workspace, by its ref. */
  workspace: string;
}

export type PageName = "inbox" | "agents" | "sessions" | "apps";

const PAGE_SIZE = 30;
const AWAY_AFTER = 5 * 60 * 1000;

/** Whether id a is newer than id b: ids are a prefix and a time-ordered body. */
export function newer(a: string, b: string): boolean {
  const x = a.slice(a.indexOf("_") + 1);
  const y = b.slice(b.indexOf("_") + 1);
  return x.length === y.length ? x > y : x.length > y.length;
}

export function defaultFilter(): Filter {
  return { status: "open", assignee: "all", trust: "", unread: false, q: "", sort: "recent", account: "", accountName: "", workspace: "" };
}

export class App {
  readonly me: Me;
  team: TeamMember[] = [];
  counts: Counts | null = null;
  prefs: Prefs = loadPrefs();
  filter: Filter = defaultFilter();

  items: Item[] = [];
  next: string | null = null;
  listLoading = false;
  listError = "";
  /** The conversation J and K are on. */
  cursor: string | null = null;

  openId: string | null = null;
  open: Item | null = null;
  thread: ThreadItem[] = [];
  threadLoading = false;
  threadError = "";
  user: UserAnswer | null = null;
  userError = "";
  mode: "reply" | "note" = "reply";

  page: PageName = "inbox";
  /** Who is writing where: visitors, and the other agents' replies. */
  readonly typing = new Typing((cid) => this.typingChanged(cid));
  private typingSent = { id: "", at: 0 };
  /** Whether the user panel shows beside a narrower thread (and as a drawer on a phone). */
  panelOpen = window.matchMedia("(min-width: 1200px)").matches;
  connection: "connecting" | "up" | "down" = "connecting";
  presence: Presence = "online";

  readonly root: HTMLElement;
  readonly announcer: HTMLElement;
  private sidebar: Sidebar;
  private list: ListView;
  private threadView: ThreadView;
  private panel: PanelView;
  private settings: SettingsView;
  private keyboard: Keyboard;
  private live: Live;
  private listSeq = 0;
  private threadSeq = 0;
  private userSeq = 0;
  private countsTimer = 0;
  private lastActivity = Date.now();
  private presenceTimer = 0;
  private stopped = false;
  private cleanups: (() => void)[] = [];

  constructor(me: Me) {
    this.me = me;
    this.team = [{ id: me.agent.id, name: me.agent.name, role: me.agent.role, presence: "online" }];
    this.announcer = h("div", { class: "sr", "aria-live": "polite", role: "status", id: "announcer" });
    this.sidebar = new Sidebar(this);
    this.list = new ListView(this);
    this.threadView = new ThreadView(this);
    this.panel = new PanelView(this);
    this.settings = new SettingsView(this);
    this.root = h(
      "div",
      { class: "app", id: "app", "data-view": "list" },
      h("a", { class: "skip", href: "#conversations" }, "Skip to the conversations"),
      this.sidebar.el,
      this.list.el,
      this.threadView.el,
      this.panel.el,
      this.settings.el,
      this.announcer,
    );
    this.keyboard = new Keyboard(this);
    this.listen(this.root, "pointerdown", (e) => {
      const t = e.target as Element;
      if (this.root.classList.contains("side-open") && !t.closest(".sidebar, .side-toggle")) this.toggleSidebar(false);
    });
    this.readRoute();
    this.listen(window, "popstate", () => {
      const before = this.filterKey();
      this.readRoute();
      if (this.filterKey() !== before) this.reload();
      this.afterRoute();
    });
    this.listen(document, "visibilitychange", () => {
      if (!document.hidden) {
        this.activity();
        this.markRead();
      }
    });
    for (const ev of ["pointerdown", "keydown", "mousemove", "wheel", "touchstart", "focus"]) this.listen(window, ev, () => this.activity(), { passive: true });
    this.listen(window, "pointerdown", () => unlockAudio(), { once: true });
    this.presenceTimer = window.setInterval(() => this.checkAway(), 15000);

    this.live = new Live({
      ready: (resumed) => {
        if (!resumed) {
          this.replaying = true;
          this.heard();
        }
        this.connection = "up";
        this.list.renderStatus();
        if (resumed) {
          // Whatever was missed has been replayed; the counts are cheap to redo.
          this.refreshCounts();
          this.refreshTeam();
        }
      },
      event: (e) => this.onEvent(e),
      presence: (agents) => {
        // The list names every agent with an inbox open; the others are offline.
        const heard = new Map(agents.map((a) => [a.id, a.presence]));
        for (const m of this.team) m.presence = heard.get(m.id) || "offline";
        if (agents.some((a) => !this.team.some((m) => m.id === a.id))) this.refreshTeam();
        this.sidebar.renderTeam();
        this.settings.renderPresence();
      },
      down: () => {
        this.connection = "down";
        this.list.renderStatus();
      },
      ended: () => this.loggedOut(),
    });

    this.renderAll();
    this.reload();
    this.refreshCounts();
    this.refreshTeam();
    this.afterRoute();
  }

  /** Stops everything: the live connection, timers and listeners. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.live.stop();
    this.keyboard.stop();
    this.typing.clear();
    clearInterval(this.presenceTimer);
    clearTimeout(this.countsTimer);
    for (const f of this.cleanups) f();
    closeDialog();
    closeMenus();
    this.root.remove();
  }

  /** Called once the agent is logged out, with why, for the login page to say. */
  onLoggedOut: (notice: string) => void = () => undefined;

  private loggedOut(notice = "Your session has ended. Log in again to go on."): void {
    this.stop();
    this.onLoggedOut(notice);
  }

  private listen(t: EventTarget, ev: string, f: (e: Event) => void, opts?: AddEventListenerOptions): void {
    t.addEventListener(ev, f, opts);
    this.cleanups.push(() => t.removeEventListener(ev, f, opts));
  }

  // Routes.

  private readRoute(): void {
    const path = location.pathname.replace(/\/+$/, "");
    const m = /^\/inbox\/c\/([^/]+)$/.exec(path);
    const s = /^\/inbox\/settings\/([^/]+)$/.exec(path);
    this.page = s && (s[1] === "agents" || s[1] === "sessions" || s[1] === "apps") ? (s[1] as PageName) : "inbox";
    if (this.page === "agents" && this.me.agent.role !== "admin") this.page = "inbox";
    const id = m ? decodeURIComponent(m[1]) : null;
    const p = new URLSearchParams(location.search);
    const f = defaultFilter();
    const st = p.get("status");
    if (st === "open" || st === "snoozed" || st === "resolved") f.status = st;
    f.assignee = p.get("assignee") || "all";
    const tr = p.get("trust");
    if (tr === "verified" || tr === "unverified" || tr === "anonymous") f.trust = tr;
    f.unread = p.get("unread") === "1";
    f.q = p.get("q") || "";
    f.sort = p.get("sort") === "waiting" ? "waiting" : "recent";
    f.account = p.get("account_id") || "";
    f.accountName = f.account ? p.get("account") || "" : "";
    f.workspace = p.get("workspace") || "";
    this.filter = f;
    if (id !== this.openId) this.select(id);
  }

  private afterRoute(): void {
    this.root.setAttribute("data-page", this.page);
    this.settings.render();
    this.sidebar.render();
    this.updateView();
  }

  /** The URL of the current view with a conversation (or none) open. */
  url(id: string | null, page: PageName = "inbox"): string {
    const f = this.filter;
    const q = query({
      status: f.status === "open" ? "" : f.status,
      assignee: f.assignee === "all" ? "" : f.assignee,
      trust: f.trust,
      unread: f.unread ? "1" : "",
      sort: f.sort === "recent" ? "" : f.sort,
      q: f.q,
      account_id: f.account,
      account: f.account ? f.accountName : "",
      workspace: f.workspace,
    });
    if (page !== "inbox") return "/inbox/settings/" + page;
    return (id ? "/inbox/c/" + encodeURIComponent(id) : "/inbox") + q;
  }

  navigate(path: string, replace = false): void {
    if (path === location.pathname + location.search) return;
    if (replace) history.replaceState(null, "", path);
    else history.pushState(null, "", path);
  }

  showPage(page: PageName): void {
    this.toggleSidebar(false);
    this.navigate(this.url(this.openId, page));
    this.page = page;
    this.afterRoute();
    this.settings.focus();
  }

  // The list.

  private filterKey(): string {
    return JSON.stringify(this.filter);
  }

  /** On a phone, the views slide over the list. */
  toggleSidebar(open = !this.root.classList.contains("side-open")): void {
    this.root.classList.toggle("side-open", open);
    if (open) {
      const first = this.root.querySelector<HTMLElement>(".sidebar .view.on, .sidebar .view");
      if (first) first.focus();
    }
  }

  setFilter(p: Partial<Filter>): void {
    this.toggleSidebar(false);
    const before = this.filterKey();
    this.filter = { ...this.filter, ...p };
    if (this.filterKey() === before && this.page === "inbox") return;
    this.page = "inbox";
    this.navigate(this.url(this.openId), true);
    this.afterRoute();
    this.reload();
  }

  reload(): void {
    this.items = [];
    this.next = null;
    this.listError = "";
    this.fetchList(null);
  }

  loadMore(): void {
    if (this.next && !this.listLoading) this.fetchList(this.next);
  }

  private listQuery(cursor: string | null): string {
    const f = this.filter;
    return query({
      status: f.status,
      assignee: f.assignee === "all" ? "" : f.assignee,
      trust: f.trust,
      unread: f.unread ? "true" : "",
      sort: f.sort,
      q: f.q.trim(),
      account_id: f.account,
      workspace: f.workspace,
      cursor,
      limit: PAGE_SIZE,
    });
  }

  private async fetchList(cursor: string | null): Promise<void> {
    const seq = ++this.listSeq;
    this.listLoading = true;
    this.list.render();
    try {
      const page = await get<Page<Item>>("/conversations" + this.listQuery(cursor));
      if (seq !== this.listSeq) return;
      if (!cursor) this.listLoadedAt = serverNow();
      const seen = new Set(this.items.map((i) => i.id));
      for (const it of page.data || []) if (!seen.has(it.id)) this.items.push(it);
      this.next = page.next_cursor || null;
      this.listError = "";
      if (!this.cursor && this.items.length) this.cursor = this.openId || this.items[0].id;
    } catch (e) {
      if (seq !== this.listSeq) return;
      this.listError = message(e);
    } finally {
      if (seq === this.listSeq) {
        this.listLoading = false;
        this.list.render();
      }
    }
  }

  refreshCounts(): void {
    clearTimeout(this.countsTimer);
    this.countsTimer = window.setTimeout(async () => {
      try {
        this.counts = await get<Counts>("/conversations/counts");
        this.sidebar.renderCounts();
        title(this.counts.unread, this.me.org.name);
      } catch (e) {
        // the next change tries again
      }
    }, 150);
  }

  async refreshTeam(): Promise<void> {
    try {
      const t = await get<Page<TeamMember>>("/team");
      if (t.data && t.data.length) {
        this.team = t.data;
        const mine = this.team.find((m) => m.id === this.me.agent.id);
        if (mine) mine.presence = this.presence;
        this.sidebar.renderTeam();
        this.settings.renderPresence();
        this.threadView.renderHeader();
        this.list.render();
      }
    } catch (e) {
      // the team is a nicety: the inbox works without it
    }
  }

  /**
   * The agent who wrote a message. The live event of a message (which the
   * widget hears too) does not say; the agent's name in it does.
   */
  authorId(m: Message): string {
    if (m.author !== "agent") return "";
    if (m.author_id) return m.author_id;
    const t = this.team.find((x) => x.name === m.author_name);
    return t ? t.id : "";
  }

  agentName(id: string | null): string {
    if (!id) return "";
    if (id === this.me.agent.id) return "You";
    const m = this.team.find((t) => t.id === id);
    return m ? m.name : "Another agent";
  }

  /** Whether an item belongs in the list's current view. */
  matches(it: Item): boolean {
    const f = this.filter;
    if (it.status !== f.status) return false;
    if (f.assignee === "me" && it.assignee_id !== this.me.agent.id) return false;
    if (f.assignee === "none" && it.assignee_id) return false;
    if (f.assignee !== "all" && f.assignee !== "me" && f.assignee !== "none" && it.assignee_id !== f.assignee) return false;
    if (f.trust && it.user.trust !== f.trust) return false;
    if (f.account && it.user.account_id !== f.account) return false;
    if (f.workspace && it.workspace_ref !== f.workspace) return false;
    if (f.unread && it.unread <= 0 && it.id !== this.openId) return false;
    if (f.q.trim()) {
      const q = f.q.trim().toLowerCase();
      const hay = [it.user.display_name, it.user.email || "", it.user.user_ref || ""].join("\n").toLowerCase();
      if (!hay.includes(q)) return false;
    }
    return true;
  }

  private activityOf(it: Item): string {
    return it.last_message ? it.last_message.created_at : it.updated_at;
  }

  private sortItems(): void {
    if (this.filter.sort === "waiting") {
      this.items.sort((a, b) => {
        if (!a.waiting_since !== !b.waiting_since) return a.waiting_since ? -1 : 1;
        return (a.waiting_since || this.activityOf(a)) < (b.waiting_since || this.activityOf(b)) ? -1 : 1;
      });
    } else {
      this.items.sort((a, b) => (this.activityOf(a) < this.activityOf(b) ? 1 : this.activityOf(a) > this.activityOf(b) ? -1 : 0));
    }
  }

  /** Puts a changed item where it belongs: in the list or out of it, and in the open thread. */
  private upsert(it: Item): void {
    const i = this.items.findIndex((x) => x.id === it.id);
    if (this.matches(it)) {
      if (i >= 0) this.items[i] = it;
      else this.items.push(it);
      this.sortItems();
    } else if (i >= 0) {
      this.items.splice(i, 1);
    }
    if (this.openId === it.id) {
      this.open = it;
      this.threadView.renderHeader();
    }
    this.list.render();
  }

  moveCursor(delta: number): void {
    if (this.items.length === 0) return;
    let i = this.items.findIndex((x) => x.id === this.cursor);
    if (i < 0) i = delta > 0 ? -1 : this.items.length;
    i = Math.max(0, Math.min(this.items.length - 1, i + delta));
    this.cursor = this.items[i].id;
    this.list.render();
    this.list.focusCursor();
    if (i === this.items.length - 1 && this.next) this.loadMore();
  }

  // The open conversation.

  /** Opens a conversation, or none; push says whether it is a step of the history. */
  openConversation(id: string | null, push = true): void {
    if (push) this.navigate(this.url(id));
    this.page = "inbox";
    this.select(id);
    this.afterRoute();
  }

  private select(id: string | null): void {
    if (id === this.openId) return;
    this.openId = id;
    this.open = id ? this.items.find((x) => x.id === id) || null : null;
    this.thread = [];
    this.user = null;
    this.threadError = "";
    this.userError = "";
    this.mode = "reply";
    if (id) this.cursor = id;
    this.threadView.reset();
    this.panel.render();
    this.list.render();
    if (!id) return;
    this.loadConversation(id);
  }

  private async loadConversation(id: string): Promise<void> {
    const seq = ++this.threadSeq;
    this.threadLoading = true;
    this.threadView.render();
    try {
      const [item, items] = await Promise.all([get<Item>("/conversations/" + encodeURIComponent(id)), this.fetchThread(id)]);
      if (seq !== this.threadSeq) return;
      this.open = item;
      this.thread = items;
      this.threadError = "";
      const i = this.items.findIndex((x) => x.id === id);
      if (i >= 0) this.items[i] = item;
      this.loadUser(item.user.id);
    } catch (e) {
      if (seq !== this.threadSeq) return;
      this.threadError = e instanceof ApiError && e.status === 404 ? "This conversation does not exist, or is not of your organization." : message(e);
    } finally {
      if (seq === this.threadSeq) {
        this.threadLoading = false;
        this.threadView.render();
        this.list.render();
        this.markRead();
      }
    }
  }

  private async fetchThread(id: string): Promise<ThreadItem[]> {
    const out: ThreadItem[] = [];
    let after = "";
    for (let pages = 0; pages < 50; pages++) {
      const t = await get<Thread>("/conversations/" + encodeURIComponent(id) + "/thread" + query({ after, limit: 200 }));
      const data = t.data || [];
      out.push(...data);
      const msgs = data.filter((x) => x.type === "message");
      if (!t.more || msgs.length === 0) break;
      const last = msgs[msgs.length - 1];
      after = last.type === "message" ? last.message.id : "";
    }
    return out;
  }

  async loadUser(userId: string): Promise<void> {
    const seq = ++this.userSeq;
    try {
      const u = await get<UserAnswer>("/users/" + encodeURIComponent(userId));
      if (seq !== this.userSeq) return;
      this.user = u;
      this.userError = "";
    } catch (e) {
      if (seq !== this.userSeq) return;
      this.userError = message(e);
    }
    this.panel.render();
  }

  /** Tells the server the agent has read the open conversation, when they can see it. */
  markRead(): void {
    const it = this.open;
    if (!it || document.hidden || this.page !== "inbox" || it.unread <= 0) return;
    it.unread = 0;
    const li = this.items.find((x) => x.id === it.id);
    if (li) li.unread = 0;
    this.list.render();
    post("/conversations/" + encodeURIComponent(it.id) + "/read")
      .then(() => this.refreshCounts())
      .catch(() => undefined);
  }

  /**
   * Tells the visitor and the other agents that this agent writes a reply
   * in the open conversation, at most every few seconds. Only the Reply
   * mode calls it: a note is never announced. A lost one is no harm.
   */
  announceTyping(): void {
    const id = this.openId;
    const now = Date.now();
    if (!id || (this.typingSent.id === id && now - this.typingSent.at < ANNOUNCE_EVERY)) return;
    this.typingSent = { id, at: now };
    post("/conversations/" + encodeURIComponent(id) + "/typing").catch(() => undefined);
  }

  private typingChanged(cid: string): void {
    if (this.openId === cid) this.threadView.renderTyping();
    if (this.items.some((x) => x.id === cid)) this.list.render();
  }

  /** Sends the composer's text as a reply or a private note. */
  async send(body: string, mode: "reply" | "note"): Promise<void> {
    const id = this.openId;
    if (!id) return;
    const path = "/conversations/" + encodeURIComponent(id) + (mode === "note" ? "/notes" : "/messages");
    if (mode === "note") {
      const n = await post<Note>(path, { body });
      this.addToThread({ type: "note", note: n });
    } else {
      const m = await post<Message>(path, { body });
      this.addToThread({ type: "message", message: m });
      this.applyMessage(m);
    }
  }

  /** Changes the open conversation's status or assignee. */
  async change(c: { status?: Status; snoozed_until?: string; assignee_id?: string | null }, what: string): Promise<void> {
    const id = this.openId;
    if (!id) return;
    try {
      const it = await patch<Item>("/conversations/" + encodeURIComponent(id), c);
      this.upsert(it);
      this.announce(what);
      this.refreshCounts();
    } catch (e) {
      this.threadView.flash(message(e));
    }
  }

  toggleResolved(): void {
    const it = this.open;
    if (!it) return;
    if (it.status === "resolved") this.change({ status: "open" }, "Reopened.");
    else this.change({ status: "resolved" }, "Resolved.");
  }

  async revokeSession(id: string): Promise<void> {
    await del("/widget-sessions/" + encodeURIComponent(id));
    this.announce("The session has ended.");
    if (this.open) await this.loadUser(this.open.user.id);
  }

  async revokeAll(userId: string): Promise<number> {
    const r = await del<{ revoked: number }>("/users/" + encodeURIComponent(userId) + "/widget-sessions");
    if (this.open) await this.loadUser(this.open.user.id);
    const n = r && typeof r.revoked === "number" ? r.revoked : 0;
    this.announce(n === 1 ? "1 session ended." : n + " sessions ended.");
    return n;
  }

  /** Switches the composer between a reply and a note; shortcut is the key that asked, if any. */
  setMode(m: "reply" | "note", shortcut = ""): void {
    this.mode = m;
    this.threadView.renderMode();
    this.threadView.focusComposer(shortcut);
  }

  togglePanel(): void {
    this.panelOpen = !this.panelOpen;
    this.updateView();
    this.threadView.renderHeader();
    if (this.panelOpen) this.panel.focus();
    else this.threadView.focusHeader();
  }

  /** Which pane shows on a phone, and whether the panel shows beside the thread. */
  updateView(): void {
    const view = this.page !== "inbox" ? "settings" : this.openId ? (this.panelOpen && isPhone() ? "panel" : "thread") : "list";
    this.root.setAttribute("data-view", view);
    this.root.classList.toggle("with-panel", this.panelOpen && !!this.openId);
  }

  back(): void {
    if (isPhone() && this.panelOpen && this.openId) {
      this.panelOpen = false;
      this.updateView();
      this.threadView.focusHeader();
      return;
    }
    const id = this.openId;
    this.openConversation(null);
    this.list.focusRow(id);
  }

  setPrefs(p: Partial<Prefs>): void {
    this.prefs = { ...this.prefs, ...p };
    savePrefs(this.prefs);
    if (p.notifications) {
      askPermission().then((perm) => {
        if (perm === "denied") this.announce("The browser blocks notifications for this site: allow them in its site settings.");
        this.sidebar.render();
      });
    }
    this.sidebar.render();
  }

  async logout(): Promise<void> {
    try {
      await post("/logout");
    } catch (e) {
      // gone already
    }
    this.loggedOut("You have logged out.");
  }

  announce(text: string): void {
    this.announcer.textContent = "";
    window.setTimeout(() => (this.announcer.textContent = text), 30);
  }

  // Presence.

  private activity(): void {
    this.lastActivity = Date.now();
    if (this.presence !== "online") this.setPresence("online");
  }

  private checkAway(): void {
    if (this.presence === "online" && Date.now() - this.lastActivity > AWAY_AFTER) this.setPresence("away");
  }

  private setPresence(p: Presence): void {
    this.presence = p;
    this.live.setPresence(p);
    const m = this.team.find((t) => t.id === this.me.agent.id);
    if (m) m.presence = p;
    this.sidebar.renderTeam();
  }

  // Live events.

  private addToThread(t: ThreadItem): boolean {
    const id = t.type === "message" ? t.message.id : t.type === "note" ? t.note.id : "";
    if (id && this.thread.some((x) => (x.type === "message" ? x.message.id : x.type === "note" ? x.note.id : "") === id)) return false;
    this.thread.push(t);
    this.threadView.append(t);
    return true;
  }

  /** What a new message changes in its conversation's item. */
  private applyMessage(m: Message): Item | null {
    const it = this.items.find((x) => x.id === m.conversation_id) || (this.open && this.open.id === m.conversation_id ? this.open : null);
    if (!it) return null;
    const copy: Item = { ...it, last_message: m, updated_at: m.created_at };
    if (m.author === "user") {
      copy.waiting_since = it.waiting_since || m.created_at;
      if (copy.status !== "open") {
        copy.status = "open";
        copy.snoozed_until = null;
      }
      const seen = this.openId === m.conversation_id && !document.hidden && this.page === "inbox";
      copy.unread = seen ? it.unread : it.unread + 1;
    } else {
      copy.waiting_since = null;
    }
    this.upsert(copy);
    return copy;
  }

  /**
   * Whether the connection is still replaying what happened before the
   * inbox opened: the first hello says after 0, and the server replays the
   * organization's events from its start. They are old news: the list,
   * loaded from the server, already says what they changed.
   */
  private replaying = false;
  private replayTimer = 0;
  /** When, by the server's clock, the list's first page was loaded. */
  private listLoadedAt = 0;

  /** Conversations of the list that changed during the replay: fetched once it is over. */
  private stale = new Set<string>();

  private heard(): void {
    if (!this.replaying) return;
    clearTimeout(this.replayTimer);
    this.replayTimer = window.setTimeout(() => {
      this.replaying = false;
      for (const id of this.stale) this.fetchAndUpsert(id);
      this.stale.clear();
    }, 800);
  }

  /** Whether something that happened at iso happened before the list was loaded. */
  private before(iso: string): boolean {
    const t = Date.parse(iso);
    return !isNaN(t) && this.listLoadedAt > 0 && t < this.listLoadedAt - 1500;
  }

  private known(id: string): Item | null {
    return this.items.find((x) => x.id === id) || (this.open && this.open.id === id ? this.open : null);
  }

  private async onEvent(e: LiveEvent): Promise<void> {
    this.heard();
    const cid = e.conversation_id || (e.message && e.message.conversation_id) || (e.note && e.note.conversation_id) || "";
    switch (e.kind) {
      case "message.created": {
        const m = e.message;
        if (!m) return;
        this.typing.stop(cid, m.author === "user" ? VISITOR : this.authorId(m) || "");
        const isOpen = this.openId === cid;
        if (isOpen) this.addToThread({ type: "message", message: m });
        const known = this.known(cid);
        // Old news: the item already has this message or a later one, or
        // (not in the list) it was written before the list was loaded.
        if (known && known.last_message && !newer(m.id, known.last_message.id)) return;
        if (!known && this.before(m.created_at)) return;
        let it = this.applyMessage(m);
        let isNew = false;
        if (!it) {
          try {
            it = await get<Item>("/conversations/" + encodeURIComponent(cid));
          } catch (err) {
            return;
          }
          if (it.last_message && newer(it.last_message.id, m.id)) return; // a later message is known
          // A conversation made with this message is a new conversation.
          isNew = Math.abs(Date.parse(it.created_at) - Date.parse(m.created_at)) < 5000;
          this.upsert(it);
        }
        if (m.author === "user" && !this.before(m.created_at)) {
          const who = it.user.display_name || m.author_name || "A visitor";
          // The open thread's log announces its own new messages.
          if (!isOpen) this.announce((isNew ? "New conversation from " : "New message from ") + who + ": " + m.body);
          alert(this.prefs, isNew ? "New conversation from " + who : who, m.body, cid, () => this.openConversation(cid));
          if (isOpen) this.markRead();
        }
        this.refreshCounts();
        return;
      }
      case "typing.user": {
        if (!cid) return;
        const it = this.known(cid);
        this.typing.start(cid, VISITOR, (it && it.user.display_name) || "The visitor");
        return;
      }
      case "typing.agent": {
        if (!cid || !e.author_id || e.author_id === this.me.agent.id) return; // our own, from this or another tab
        this.typing.start(cid, e.author_id, e.author_name || this.agentName(e.author_id));
        return;
      }
      case "note.created": {
        if (e.note && this.openId === cid) this.addToThread({ type: "note", note: e.note });
        return;
      }
      case "conversation.changed":
      case "conversation.updated":
      case "conversation.created": {
        // The event says what changed, and may be an old one: the server
        // says what the conversation is now.
        if (!cid) return;
        if (e.read_by && e.read_by !== this.me.agent.id) return; // another agent's reading
        if (this.replaying) {
          if (this.known(cid)) this.stale.add(cid);
        } else {
          this.fetchAndUpsert(cid);
        }
        this.refreshCounts();
        return;
      }
    }
  }

  private async fetchAndUpsert(id: string): Promise<void> {
    try {
      this.upsert(await get<Item>("/conversations/" + encodeURIComponent(id)));
    } catch (e) {
      // gone, or not ours
    }
  }

  renderAll(): void {
    this.sidebar.render();
    this.list.render();
    this.threadView.render();
    this.panel.render();
    this.settings.render();
    title(0, this.me.org.name);
  }

  focusSearch(shortcut = ""): void {
    if (this.page !== "inbox") this.showPage("inbox");
    if (isPhone() && this.openId) this.openConversation(null);
    this.list.focusSearch(shortcut);
  }

  openCursor(): void {
    if (this.cursor) this.openConversation(this.cursor);
  }

  /** Puts the focus in the thread after opening it from the list by keyboard. */
  focusThread(): void {
    this.threadView.focusHeader();
  }
}

