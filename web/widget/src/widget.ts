// The widget's state and flows: starting a session (reusing a stored one for
// the same identification), logging out (S4), the conversation list, the open
// thread, unread counts, and live events. Every flow carries the generation
// it started in; a new session bumps the generation, so an answer that comes
// back for a previous user is dropped and never reaches the page.

import { Api, ApiError } from "./api";
import { Emitter, Listener } from "./emitter";
import { backoff, Live } from "./live";
import * as opt from "./options";
import * as storage from "./storage";
import type { Conversation, InitOptions, LiveEvent, Message, Page, SessionAnswer, User } from "./types";
import { h } from "./ui/dom";
import { ListView } from "./ui/list";
import { PrechatView } from "./ui/prechat";
import { Shell } from "./ui/shell";
import { ThreadView } from "./ui/thread";

type View = "loading" | "prechat" | "list" | "thread" | "error";

const UNVERIFIED = "Chat is not available because your identity could not be verified. Please sign in again.";
const UNAVAILABLE = "Chat is not available right now. Please try again later.";
const PRECHAT_REFUSED = "These details could not be used. Check them and try again.";

const enc = encodeURIComponent;
/** How often, at most, the widget tells the agents that its visitor is writing (ms). */
const TYPING_EVERY = 3000;

function sameUser(a: User, b: User): boolean {
  return a.id === b.id && a.trust === b.trust && a.display_name === b.display_name;
}

function time(s: string | undefined): number {
  const t = s ? Date.parse(s) : NaN;
  return isNaN(t) ? 0 : t;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function domReady(): Promise<void> {
  if (document.body) return Promise.resolve();
  return new Promise((r) => document.addEventListener("DOMContentLoaded", () => r(), { once: true }));
}

export class Widget {
  private events = new Emitter();
  private scriptHost: string;
  private opts: InitOptions | null = null;
  private app = "";
  private api = new Api("");
  private session: storage.StoredSession | null = null;
  private user: User | null = null;
  private ready = false;
  private gen = 0;
  private starting: Promise<User | null> | null = null;
  private live: Live | null = null;
  private retries = 0;
  private shell: Shell | null = null;
  private wantOpen = false;
  /** The page's own say on the launcher (HelpCrunch showChatWidget, Helpshift hide/show). */
  private launcherShown = true;
  /** The pre-chat form stands before the conversations (collect_user_data, no identity yet). */
  private prechat = false;
  private prechatError = "";
  private failure = "";
  /** The identification refused in this generation, for listeners that come late (vendor loaders add theirs after). */
  private refusal: { code: string; message: string } | null = null;
  private view: View = "loading";
  private convs: Conversation[] = [];
  private more: string | null = null;
  private seen: { [message: string]: true } = {};
  /** The open conversation; null with view "thread" is a new one not sent yet. */
  private current: string | null = null;
  private messages: Message[] = [];
  private listView: ListView | null = null;
  private threadView: ThreadView | null = null;
  /** When the visitor's typing was last announced. */
  private typingSent = 0;
  private prechatView: PrechatView | null = null;
  private unread = 0;
  private refreshTimer = 0;
  /** The newest moment the loaded list knew of: older messages of unknown conversations are history. */
  private horizon = 0;

  constructor(scriptHost: string) {
    this.scriptHost = scriptHost;
    document.addEventListener("visibilitychange", () => {
      if (this.current && this.visible(this.current)) this.markRead(this.current);
    });
  }

  // ---- public API (window.Kith wraps these) ----

  init(raw: unknown): Promise<User | null> {
    let o = opt.normalize(raw, this.scriptHost);
    if (o.collect_user_data && !opt.identified(o)) {
      // What this browser's visitor gave the pre-chat form before.
      const known = storage.loadPrechat(o.app_id);
      if (known) o = { ...o, identity: { email: known.email, display_name: known.name } };
    }
    return this.start(o, "");
  }

  /** Logs out (S4): revokes the session, forgets it, and starts again as the device's anonymous user. */
  shutdown(): Promise<User | null> {
    const o = this.opts;
    if (!o) return Promise.resolve(null);
    const old = this.session ? this.session.session : "";
    storage.clearSession(this.app);
    storage.clearPrechat(this.app);
    return this.start(this.loggedOut(o), old);
  }

  on(event: string, fn: Listener): () => void {
    const off = this.events.on(event, fn);
    // A listener added after the widget is ready still hears of it, and of
    // an identification it refused on the way.
    const g = this.gen;
    if (event === "ready" && this.ready && this.user) {
      const user = { ...this.user };
      setTimeout(() => {
        if (this.ready && g === this.gen) fn({ user });
      }, 0);
    }
    const r = this.refusal;
    if (event === "auth_failure" && r) {
      setTimeout(() => {
        if (g === this.gen) fn({ ...r });
      }, 0);
    }
    return off;
  }

  onAny(fn: (event: string, data: Record<string, unknown>) => void): () => void {
    return this.events.onAny(fn);
  }

  getUser(): User | null {
    return this.ready && this.user ? { ...this.user } : null;
  }

  getUnread(): number {
    return this.unread;
  }

  isOpen(): boolean {
    return !!this.shell && this.shell.isOpen;
  }

  /** The page shows or hides the launcher; it still shows only to users who may chat. */
  showLauncher(visible: boolean): void {
    this.launcherShown = visible;
    this.applyLauncher();
  }

  /** Opens the panel on a new conversation, its composer holding text (DevRev create_conversation). */
  openNew(text: string): void {
    this.open();
    if (!this.ready || this.view === "error" || this.prechat) return;
    this.openThread(null);
    if (this.threadView && text) this.threadView.input.value = text;
  }

  async updateIdentity(raw: unknown): Promise<User | null> {
    if (this.starting) await this.starting.catch(() => null);
    if (!this.session) throw new Error("Kith.updateIdentity: call Kith.init first");
    if (raw && typeof raw === "object" && "user_ref" in raw) {
      console.warn("[kith] updateIdentity never changes the user_ref (S8); it was ignored");
    }
    const g = this.gen;
    try {
      const a = await this.api.post<{ user: User }>("/widget/v1/identity", opt.traits(raw));
      if (g === this.gen && a && a.user) this.setUser(a.user);
    } catch (e) {
      this.fail(e, g);
      throw e;
    }
    return this.getUser();
  }

  open(): void {
    const sh = this.shell;
    if (!sh) {
      this.wantOpen = true;
      return;
    }
    this.wantOpen = false;
    if (sh.isOpen) return;
    sh.open();
    this.events.emit("opened");
    this.focusView();
    if (this.current && this.visible(this.current)) this.markRead(this.current);
  }

  close(): void {
    this.wantOpen = false;
    const sh = this.shell;
    if (!sh || !sh.isOpen) return;
    sh.close();
    this.events.emit("closed");
  }

  toggle(): void {
    if (this.shell && this.shell.isOpen) this.close();
    else this.open();
  }

  // ---- sessions ----

  private start(o: InitOptions, revokeFirst: string): Promise<User | null> {
    const p = this.run(o, revokeFirst);
    this.starting = p;
    return p;
  }

  /** Drops everything of the previous session, synchronously, and returns the new generation. */
  private reset(): number {
    const g = ++this.gen;
    if (this.live) this.live.stop();
    this.live = null;
    clearTimeout(this.refreshTimer);
    this.ready = false;
    this.session = null;
    this.convs = [];
    this.more = null;
    this.seen = {};
    this.current = null;
    this.messages = [];
    this.horizon = 0;
    this.failure = "";
    this.refusal = null;
    this.setView("loading");
    if (this.shell) this.shell.setUser(null);
    this.countUnread();
    return g;
  }

  private async run(o: InitOptions, revokeFirst: string): Promise<User | null> {
    const g = this.reset();
    this.opts = o;
    this.app = o.app_id;
    await domReady();
    if (g !== this.gen) return null;
    this.mount(o);
    if (o.invalid_identity) {
      // The adapter refused the page's identifiers before sending them (F3).
      this.refused(o.invalid_identity);
    }
    let s: storage.StoredSession | null;
    try {
      if (revokeFirst) await this.revoke(revokeFirst);
      s = await this.establish(o, g);
    } catch (e) {
      if (g !== this.gen) return null;
      this.failure = UNAVAILABLE;
      this.setView("error");
      this.applyLauncher();
      console.error("[kith] the chat could not start:", e);
      throw e;
    }
    if (!s || g !== this.gen) return null;

    this.session = s;
    this.api = new Api(o.api_host || "", s.session);
    this.setUser(s.user);
    this.ready = true;
    this.prechat = !!o.collect_user_data && s.user.trust === "anonymous";
    this.applyLauncher();
    if (s.can_chat) {
      this.setView(this.prechat ? "prechat" : "list");
      // The list first, then the socket: what the socket replays is then
      // known to be history, not news.
      this.loadList(g, false).then(() => this.connect(g));
    } else {
      this.failure = UNVERIFIED;
      this.setView("error");
    }
    this.events.emit("ready", { user: { ...s.user } });
    if (o.open || this.wantOpen) this.open();
    return this.getUser();
  }

  /** A session for these options: the stored one if it was made from the same identification, else a new one. */
  private async establish(o: InitOptions, g: number): Promise<storage.StoredSession | null> {
    const key = opt.key(o);
    let stored = storage.loadSession(o.app_id);
    if (stored && stored.key === key && storage.fresh(stored) && stored.can_chat && !stored.auth_failure) {
      return stored;
    }
    if (stored && stored.user.trust !== "anonymous" && !opt.identified(o)) {
      // Initialising without identifiers after an identified user is a logout (S4).
      await this.revoke(stored.session);
      storage.clearSession(o.app_id);
      stored = null;
    }
    const s = await this.create(o, key, g);
    if (s && stored && stored.session !== s.session && stored.user.trust !== "anonymous" && !sameUser(stored.user, s.user)) {
      // Another user now: the previous user's session must not live on.
      this.revoke(stored.session);
    }
    return s;
  }

  private async create(o: InitOptions, key: string, g: number): Promise<storage.StoredSession | null> {
    let token = o.session_token || "";
    let fetched = false;
    if (!token && typeof o.fetch_session_token === "function") {
      token = await this.fetchToken(o);
      fetched = true;
      if (!token) key = opt.anonymousKey(o);
    }
    let body = opt.sessionBody(o, token);
    let attempt = 0;
    // A user hash that did not hold (S2): said once, then the identity goes
    // on as a claim (M5), which verification_required turns away (S3).
    let denied: { code: string; message: string } | null = null;
    for (;;) {
      const device = storage.loadDevice(o.app_id);
      if (device) body.device_token = device;
      let a: SessionAnswer;
      try {
        a = await new Api(o.api_host || "").post<SessionAnswer>("/widget/v1/sessions", body);
      } catch (e) {
        if (g !== this.gen || !(e instanceof ApiError)) throw e;
        if (e.transient) {
          await sleep(e.retryAfter ? e.retryAfter * 1000 : backoff(attempt++));
          if (g !== this.gen) return null;
          continue;
        }
        if (e.status === 401 && typeof o.fetch_session_token === "function" && !fetched) {
          fetched = true;
          const fresh = await this.fetchToken(o);
          if (fresh) {
            body.session_token = fresh;
            continue;
          }
        }
        if (e.status === 404 || !(body.session_token || body.identity || body.jwt)) throw e;
        if (!denied) this.refused({ code: e.code, message: e.message });
        denied = denied || { code: e.code, message: e.message };
        if (e.status === 401 && body.user_hash && body.identity) {
          delete body.user_hash;
          continue;
        }
        // The identification was refused and no session made (S2): go on
        // as the device's anonymous user.
        body = opt.sessionBody(opt.anonymous(o), "");
        key = opt.anonymousKey(o);
        continue;
      }
      if (g !== this.gen) {
        this.revoke(a.session, o.api_host);
        return null;
      }
      storage.saveDevice(o.app_id, a.device_token);
      const answered = a.auth_failure && typeof a.auth_failure === "object" ? a.auth_failure : null;
      const failure = denied || answered;
      const s: storage.StoredSession = {
        session: a.session,
        expires_at: a.expires_at,
        user: a.user,
        can_chat: a.can_chat !== false,
        key: failure && a.user.trust === "anonymous" ? opt.anonymousKey(o) : key,
        auth_failure: failure,
      };
      storage.saveSession(o.app_id, s);
      if (answered && !denied) this.refused(answered);
      return s;
    }
  }

  /** A session token from the page's fetch_session_token; "" (and an auth_failure) when it fails. */
  private async fetchToken(o: InitOptions): Promise<string> {
    try {
      const t = o.fetch_session_token ? await o.fetch_session_token() : "";
      if (typeof t === "string" && t) return t;
    } catch (e) {
      // reported below
    }
    this.refused({ code: "session_token_unavailable", message: "fetch_session_token gave no session token" });
    return "";
  }

  /** Raises auth_failure, and keeps it for listeners that come later in this generation. */
  private refused(f: { code: string; message: string }): void {
    this.refusal = { code: f.code, message: f.message };
    this.events.emit("auth_failure", { code: f.code, message: f.message });
  }

  /** The options of the device's anonymous visitor after a logout: how the widget looks, none of who it was. */
  private loggedOut(o: InitOptions): InitOptions {
    return {
      app_id: o.app_id,
      api_host: o.api_host,
      launcher: o.launcher,
      title: o.title,
      color: o.color,
      label: o.label,
      collect_user_data: o.collect_user_data,
    };
  }

  /** The launcher shows when the page wants it and the user may chat (S3). */
  private applyLauncher(): void {
    const o = this.opts;
    const s = this.session;
    if (this.shell) this.shell.setLauncher(!!o && o.launcher !== false && this.launcherShown && !!s && s.can_chat && this.view !== "error");
  }

  /**
   * The pre-chat form was filled: the visitor is now identified by what
   * they typed (M5, unverified), which this browser remembers.
   */
  private async submitPrechat(name: string, email: string): Promise<boolean> {
    const o = this.opts;
    if (!o) return false;
    const identity = { email, display_name: name };
    const u = await this.start({ ...o, identity }, "").catch(() => null);
    if (u && u.trust === "unverified" && this.session && !this.session.can_chat) {
      // The app requires verification (S3): typed details cannot identify
      // anyone, so the visitor chats as the guest they were rather than
      // meeting a dead end.
      storage.clearPrechat(o.app_id);
      await this.start({ ...this.loggedOut(o), collect_user_data: false }, "").catch(() => null);
      this.open();
      if (this.session && this.session.can_chat) this.openThread(null);
      return true;
    }
    if (u && u.trust === "unverified") {
      storage.savePrechat(o.app_id, { name, email });
      this.open();
      this.openThread(null);
      return true;
    }
    // Refused (F9 says no more): the form again, and the visitor stays anonymous.
    this.prechat = true;
    this.prechatError = PRECHAT_REFUSED;
    this.opts = { ...o, identity: undefined };
    if (this.ready && this.session && this.session.can_chat) this.setView("prechat");
    return false;
  }

  private revoke(session: string, host?: string): Promise<void> {
    const api = new Api(host || (this.opts && this.opts.api_host) || "", session);
    return api.del("/widget/v1/session").then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * The session stopped working: revoked (go anonymous, as after a logout),
   * or ended (expired, refused: start again with the same options). Another
   * tab may already hold a fresh session for the same identification; the
   * reuse in establish picks it up.
   */
  private lost(why: "revoked" | "ended"): void {
    const o = this.opts;
    if (!o || !this.session) return;
    const dead = this.session.session;
    const g = this.gen;
    const stored = storage.loadSession(o.app_id);
    const other = !!stored && stored.session !== dead && stored.key === opt.key(o) && storage.fresh(stored);
    if (stored && stored.session === dead) storage.clearSession(o.app_id);
    this.session = null;
    if (why === "revoked" && !other) storage.clearPrechat(o.app_id);
    const next: InitOptions = why === "revoked" && !other ? this.loggedOut(o) : o;
    const delay = why === "revoked" ? 0 : backoff(this.retries++);
    setTimeout(() => {
      if (g === this.gen) this.start(next, "").catch(() => null);
    }, delay);
  }

  private setUser(u: User): void {
    const prev = this.user;
    this.user = { id: u.id, display_name: u.display_name, trust: u.trust };
    if (this.session) {
      this.session.user = this.user;
      storage.updateSession(this.app, this.session);
    }
    if (this.shell) this.shell.setUser(this.user);
    if (prev && !sameUser(prev, this.user)) this.events.emit("user_changed", { user: { ...this.user } });
  }

  // ---- live events ----

  private connect(g: number): void {
    const o = this.opts;
    const s = this.session;
    if (!o || !s || g !== this.gen) return;
    const url = (o.api_host || "").replace(/^http/, "ws") + "/widget/v1/events?app_id=" + enc(o.app_id);
    const live = new Live(url, s.session, s.cursor || 0, {
      ready: (resumed) => {
        if (g !== this.gen) return;
        this.retries = 0;
        // After a reconnection: the list, and the messages of the open
        // thread after the last one shown, in case the replay fell short.
        if (resumed) {
          this.loadList(g, false);
          if (this.current) this.catchUp(g, this.current);
        }
      },
      event: (e: LiveEvent) => {
        if (g !== this.gen) return;
        this.onEvent(e);
        if (live.cursor !== s.cursor) {
          s.cursor = live.cursor;
          storage.updateSession(this.app, s);
        }
      },
      revoked: () => {
        if (g === this.gen) this.lost("revoked");
      },
      ended: () => {
        if (g === this.gen) this.lost("ended");
      },
    });
    this.live = live;
  }

  private onEvent(e: LiveEvent): void {
    if (e.kind === "message.created" && e.message) {
      this.onMessage(e.message);
    } else if (e.kind === "typing.agent") {
      if (e.conversation_id && e.conversation_id === this.current && this.threadView) this.threadView.showTyping(e.author_name || "Support");
    } else if (e.kind === "conversation.updated" && e.conversation) {
      const c = e.conversation;
      if (this.stale(c)) return;
      if (c.last_message) this.seen[c.last_message.id] = true;
      if (this.visible(c.id) && c.unread > 0) {
        this.upsert(c);
        this.markRead(c.id);
      } else {
        this.upsert(c);
        this.listChanged();
      }
    }
  }

  /** A replayed state older than the one shown (the list is the authority on history). */
  private stale(c: Conversation): boolean {
    const cur = this.find(c.id);
    if (!cur) return time(c.updated_at) <= this.horizon;
    const a = c.last_message;
    const b = cur.last_message;
    return time(c.updated_at) < time(cur.updated_at) || (!!b && (!a || time(a.created_at) < time(b.created_at)));
  }

  private onMessage(m: Message): void {
    const cid = m.conversation_id;
    const c = this.find(cid);
    // News, not history: unseen, and newer than what the list knew (the
    // socket replays what the session missed, from its first connection on).
    const last = c ? c.last_message : null;
    const fresh = !this.seen[m.id] && time(m.created_at) >= (c ? (last ? time(last.created_at) : 0) : this.horizon);
    this.seen[m.id] = true;
    const visible = this.visible(cid);
    if (this.current === cid) this.addMessage(m);
    if (c) {
      if (!c.last_message || time(m.created_at) >= time(c.last_message.created_at)) {
        c.last_message = m;
        c.updated_at = m.created_at;
      }
      if (fresh && m.author === "agent" && !visible) c.unread++;
    } else if (fresh) {
      this.refreshSoon();
    }
    if (fresh && m.author === "agent") {
      this.events.emit("message", { conversation_id: cid, message: { ...m } });
      if (visible) this.markRead(cid);
    }
    this.listChanged();
  }

  // ---- conversations ----

  private async loadList(g: number, older: boolean, attempt = 0): Promise<void> {
    try {
      const q = older && this.more ? "?cursor=" + enc(this.more) : "";
      const page = await this.api.get<Page<Conversation>>("/widget/v1/conversations" + q);
      if (g !== this.gen) return;
      for (const c of page.data || []) {
        if (c.last_message) {
          this.seen[c.last_message.id] = true;
          this.horizon = Math.max(this.horizon, time(c.last_message.created_at));
        }
        this.horizon = Math.max(this.horizon, time(c.updated_at));
        this.upsert(c);
      }
      if (!older || this.more) this.more = page.next_cursor || null;
      if (this.current && this.visible(this.current)) {
        const cur = this.find(this.current);
        if (cur && cur.unread > 0) this.markRead(cur.id);
      }
      this.listChanged();
    } catch (e) {
      if (g !== this.gen) return;
      if (e instanceof ApiError && e.transient) {
        setTimeout(() => {
          if (g === this.gen) this.loadList(g, older, attempt + 1);
        }, backoff(attempt));
      } else {
        this.fail(e, g);
      }
    }
  }

  private refreshSoon(): void {
    const g = this.gen;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(() => this.loadList(g, false), 300);
  }

  private find(id: string): Conversation | undefined {
    for (const c of this.convs) if (c.id === id) return c;
    return undefined;
  }

  private upsert(c: Conversation): void {
    const i = this.convs.findIndex((x) => x.id === c.id);
    if (i >= 0) this.convs[i] = c;
    else this.convs.push(c);
  }

  private listChanged(): void {
    this.convs.sort((a, b) => time(b.updated_at) - time(a.updated_at));
    if (this.listView) this.listView.update(this.convs, !!this.more);
    this.countUnread();
  }

  private countUnread(): void {
    let n = 0;
    let convs = 0;
    for (const c of this.convs) {
      if (c.unread > 0) {
        n += c.unread;
        convs++;
      }
    }
    if (this.shell) this.shell.setBadge(n);
    if (n !== this.unread) {
      this.unread = n;
      this.events.emit("unread", { count: n, conversations: convs });
    }
  }

  /** Whether the person is looking at this conversation now. */
  private visible(cid: string): boolean {
    return !!this.shell && this.shell.isOpen && this.view === "thread" && this.current === cid && document.visibilityState !== "hidden";
  }

  private markRead(cid: string): void {
    const c = this.find(cid);
    if (c) c.unread = 0;
    this.listChanged();
    this.api.post("/widget/v1/conversations/" + enc(cid) + "/read").catch((e) => this.fail(e, this.gen));
  }

  // ---- the thread ----

  private async openThread(cid: string | null): Promise<void> {
    this.current = cid;
    this.messages = [];
    this.setView("thread");
    this.focusView();
    if (!cid) return;
    const g = this.gen;
    try {
      const msgs = await this.fetchMessages(g, cid, "");
      if (g !== this.gen || this.current !== cid) return;
      this.messages = [];
      for (const m of msgs) {
        this.seen[m.id] = true;
        this.messages.push(m);
      }
      if (this.threadView) this.threadView.setMessages(this.messages);
      if (this.visible(cid)) this.markRead(cid);
    } catch (e) {
      if (g !== this.gen || this.current !== cid) return;
      if (e instanceof ApiError && e.status === 404) {
        // Not ours (any more): back to the list, refreshed (V5).
        this.convs = this.convs.filter((c) => c.id !== cid);
        this.back();
        this.loadList(g, false);
        return;
      }
      if (this.threadView) this.threadView.showError("The messages could not be loaded.");
      this.fail(e, g);
    }
  }

  private async fetchMessages(g: number, cid: string, after: string): Promise<Message[]> {
    let all: Message[] = [];
    for (let i = 0; i < 50; i++) {
      const q = "?limit=100" + (after ? "&after=" + enc(after) : "");
      const page = await this.api.get<Page<Message>>("/widget/v1/conversations/" + enc(cid) + "/messages" + q);
      if (g !== this.gen) return [];
      const data = page.data || [];
      all = all.concat(data);
      if (!page.next_cursor || !data.length) break;
      after = data[data.length - 1].id;
    }
    return all;
  }

  /** After a reconnection: the open thread's messages after the last one shown. */
  private async catchUp(g: number, cid: string): Promise<void> {
    const last = this.messages.length ? this.messages[this.messages.length - 1].id : "";
    try {
      const msgs = await this.fetchMessages(g, cid, last);
      if (g !== this.gen || this.current !== cid) return;
      for (const m of msgs) this.onMessage(m);
    } catch (e) {
      this.fail(e, g);
    }
  }

  private addMessage(m: Message): void {
    for (const x of this.messages) if (x.id === m.id) return;
    this.messages.push(m);
    if (this.threadView) this.threadView.append(m);
  }

  /**
   * Tells the agents that the visitor is writing, at most every few
   * seconds; only in a conversation that exists (a first message makes
   * it). A lost indicator is no harm: its failure is ignored.
   */
  private typing(): void {
    const cid = this.current;
    const now = Date.now();
    if (!cid || now - this.typingSent < TYPING_EVERY) return;
    this.typingSent = now;
    this.api.post("/widget/v1/conversations/" + enc(cid) + "/typing").catch(() => undefined);
  }

  private async send(body: string): Promise<boolean> {
    const g = this.gen;
    try {
      if (this.current) {
        const cid = this.current;
        const m = await this.api.post<Message>("/widget/v1/conversations/" + enc(cid) + "/messages", { body });
        if (g !== this.gen) return false;
        this.onMessage(m);
      } else {
        const a = await this.api.post<{ conversation: Conversation; message: Message; user?: User }>("/widget/v1/conversations", { body });
        if (g !== this.gen) return false;
        // The first message of an anonymous visitor makes their user.
        if (a.user && a.user.trust) this.setUser(a.user);
        this.upsert(a.conversation);
        this.current = a.conversation.id;
        this.onMessage(a.message);
        this.events.emit("conversation_started", { conversation_id: a.conversation.id, message: { ...a.message } });
      }
      return true;
    } catch (e) {
      if (g !== this.gen) return false;
      if (this.threadView) {
        const offline = e instanceof ApiError && e.status === 0;
        this.threadView.showError(
          offline ? "The message was not sent: check your connection and try again." : "The message could not be sent. Please try again.",
        );
      }
      this.fail(e, g);
      return false;
    }
  }

  /** Handles what any call may answer: 401 (the session is gone) and 403 verification_required (S3). */
  private fail(e: unknown, g: number): void {
    if (g !== this.gen) return;
    if (e instanceof ApiError && e.status === 401) {
      this.lost("ended");
    } else if (e instanceof ApiError && e.status === 403 && e.code === "verification_required") {
      this.failure = UNVERIFIED;
      this.setView("error");
      this.applyLauncher();
    } else {
      console.warn("[kith]", e instanceof Error ? e.message : e);
    }
  }

  // ---- the UI ----

  private mount(o: InitOptions): void {
    if (!this.shell) {
      this.shell = new Shell({ toggle: () => this.toggle(), close: () => this.close(), back: () => this.back() }, o.title || "Support");
    } else if (o.title) {
      this.shell.setTitle(o.title);
    }
    if (typeof o.color === "string" && o.color) this.shell.setColor(o.color);
    this.shell.mount();
    this.setView(this.view);
  }

  private back(): void {
    const from = this.current;
    this.current = null;
    this.messages = [];
    this.setView("list");
    if (this.shell && this.shell.isOpen) {
      if (!(from && this.listView && this.listView.focusItem(from))) this.focusView();
    }
  }

  private setView(v: View): void {
    this.view = v;
    this.listView = null;
    this.threadView = null;
    this.prechatView = null;
    const sh = this.shell;
    if (!sh) return;
    const root = sh.host.shadowRoot;
    const hadFocus = !!root && !!root.activeElement;
    sh.setBack(v === "thread");
    if (v === "list") {
      this.listView = new ListView({
        select: (id) => this.openThread(id),
        start: () => this.openThread(null),
        more: () => this.loadList(this.gen, true),
      });
      this.listView.update(this.convs, !!this.more);
      sh.setView(this.listView.el);
    } else if (v === "thread") {
      this.threadView = new ThreadView(
        { send: (body) => this.send(body), typing: () => this.typing() },
        this.current ? null : "Send us a message and we will reply here.",
      );
      this.threadView.setMessages(this.messages);
      sh.setView(this.threadView.el);
    } else if (v === "prechat") {
      const o = this.opts;
      this.prechatView = new PrechatView({ submit: (name, email) => this.submitPrechat(name, email) }, (o && o.prefill) || {}, this.prechatError);
      this.prechatError = "";
      sh.setView(this.prechatView.el);
    } else if (v === "error") {
      sh.setView(h("p", { class: "status error", role: "alert" }, this.failure || UNAVAILABLE));
    } else {
      sh.setView(h("p", { class: "status", role: "status" }, "Loading…"));
    }
    // Focus must not be lost with a node that was just removed.
    if (hadFocus && root && !root.activeElement) this.focusView();
  }

  private focusView(): void {
    const sh = this.shell;
    if (!sh || !sh.isOpen) return;
    if (this.threadView) sh.focus(this.threadView.input);
    else if (this.prechatView) sh.focus(this.prechatView.first);
    else if (this.listView) sh.focus(this.listView.newButton);
    else sh.focusBack();
  }
}
