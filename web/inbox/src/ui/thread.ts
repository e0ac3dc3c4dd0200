// The right-hand pane: the open conversation's header (its user, trust,
// status, assignee; assign, snooze, resolve or reopen), the thread with
// messages, private notes and the marks where trust changed, and the
// composer, which writes a reply to the visitor or a note only agents see.

import type { App } from "../app";
import { message } from "../api";
import { avatar, clear, fill, full, h, icon, icons, isPhone, short, swallowShortcut, time } from "../dom";
import type { Message, Note, ThreadItem, TrustChange } from "../types";
import { badge, methodWords, trustNames } from "../trust";
import { menuButton } from "./menu";

export class ThreadView {
  readonly el: HTMLElement;
  private app: App;
  private head = h("header", { class: "thread-head" });
  private flashEl = h("div", { class: "flash", role: "alert" });
  private log = h("ol", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Messages and notes", "aria-relevant": "additions" });
  private scroller = h("div", { class: "thread-scroll" });
  private composer: HTMLFormElement;
  private textarea: HTMLTextAreaElement;
  private sendBtn: HTMLButtonElement;
  private replyTab: HTMLButtonElement;
  private noteTab: HTMLButtonElement;
  private composerHint = h("span", { class: "composer-hint", id: "composer-hint" });
  private composerError = h("p", { class: "form-error", role: "alert" });
  private typingEl = h("p", { class: "typing-line", "aria-live": "polite", id: "typing-line" });
  private body = h("div", { class: "thread-body" });
  private drafts = new Map<string, { reply: string; note: string }>();
  private lastDay = "";
  private flashTimer = 0;
  private sending = false;

  constructor(app: App) {
    this.app = app;
    this.textarea = h("textarea", { id: "composer-text", rows: "3", "aria-describedby": "composer-hint", "aria-keyshortcuts": "R N" });
    this.sendBtn = h("button", { type: "submit", class: "btn primary send" }, icon(icons.send), h("span", { class: "send-label" }, "Send"));
    this.replyTab = h("button", { type: "button", class: "mode", "aria-pressed": "true", onclick: () => app.setMode("reply") }, icon(icons.reply), "Reply");
    this.noteTab = h("button", { type: "button", class: "mode", "aria-pressed": "false", onclick: () => app.setMode("note") }, icon(icons.lock), "Note");
    this.composer = h(
      "form",
      { class: "composer", "aria-label": "Write a reply or a note" },
      h("div", { class: "composer-top" }, h("div", { class: "modes", role: "group", "aria-label": "Write" }, this.replyTab, this.noteTab), this.composerHint),
      h("label", { for: "composer-text", class: "sr", id: "composer-label" }, "Reply to the visitor"),
      this.textarea,
      this.composerError,
      h("div", { class: "composer-foot" }, h("span", { class: "muted small" }, "Enter to send · Shift+Enter for a new line"), this.sendBtn),
    );
    this.textarea.addEventListener("keydown", (e: KeyboardEvent) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.composer.requestSubmit();
      } else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        this.textarea.blur();
        this.focusHeader();
      }
    });
    this.textarea.addEventListener("input", () => {
      this.saveDraft();
      this.autosize();
      // Only a reply is announced as it is written; a note never is.
      if (this.app.mode === "reply" && this.textarea.value.trim()) this.app.announceTyping();
    });
    this.composer.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit();
    });
    this.el = h("main", { class: "threadpane", id: "thread", "aria-label": "Conversation" }, this.body);
  }

  /** A new conversation (or none) opens: the pane starts over. */
  reset(): void {
    this.lastDay = "";
    clear(this.log);
    this.composerError.textContent = "";
    this.loadDraft();
    this.render();
  }

  render(): void {
    const app = this.app;
    if (!app.openId) {
      fill(
        this.body,
        h(
          "div",
          { class: "thread-empty" },
          icon(icons.chat, "empty-icon"),
          h("h2", null, "No conversation open"),
          h("p", { class: "muted" }, "Pick one from the list, or move through it with ", h("kbd", null, "J"), " and ", h("kbd", null, "K"), " and open it with ", h("kbd", null, "Enter"), "."),
          h("p", { class: "muted" }, "Press ", h("kbd", null, "?"), " for every shortcut."),
        ),
      );
      return;
    }
    if (!this.body.contains(this.composer)) fill(this.body, this.head, this.flashEl, this.scroller, this.typingEl, this.composer);
    this.renderHeader();
    this.renderTyping();
    this.renderMode();
    if (app.threadError) {
      fill(this.scroller, h("div", { class: "thread-error" }, h("p", { role: "alert" }, app.threadError), h("button", { type: "button", class: "btn", onclick: () => app.openConversation(null) }, "Back to the list")));
      this.composer.hidden = true;
      return;
    }
    this.composer.hidden = false;
    if (app.threadLoading && app.thread.length === 0) {
      fill(this.scroller, h("div", { class: "thread-loading", "aria-label": "Loading the conversation" }, h("span", { class: "spinner" })));
      return;
    }
    this.log.setAttribute("aria-busy", "true");
    clear(this.log);
    this.lastDay = "";
    for (const t of app.thread) this.log.appendChild(this.item(t));
    if (app.thread.length === 0) this.log.appendChild(h("li", { class: "log-empty muted" }, "No messages yet."));
    fill(this.scroller, this.log);
    this.log.setAttribute("aria-busy", "false");
    this.scrollDown(true);
  }

  /** Says who else is writing in the open conversation. */
  renderTyping(): void {
    const line = this.app.openId ? this.app.typing.line(this.app.openId) : "";
    this.typingEl.textContent = line;
    this.typingEl.classList.toggle("on", line !== "");
  }

  // The header's controls are made once and kept: a live event redraws
  // the header while the agent may be choosing an assignee or snoozing.
  private back = h("button", { type: "button", class: "icon-btn back", "aria-label": "Back to the list", onclick: () => this.app.back() }, icon(icons.back));
  private who = h("div", { class: "thread-who" });
  private assign: HTMLSelectElement | null = null;
  private assignKey = "";
  private snoozeMenu: HTMLElement | null = null;
  private resolveBtn: HTMLButtonElement | null = null;
  private panelBtn: HTMLButtonElement | null = null;
  private actions = h("div", { class: "thread-actions" });

  private controls(): void {
    if (this.assign) return;
    const app = this.app;
    const assign = h("select", { class: "select", id: "assignee" });
    assign.addEventListener("change", () => {
      const v = assign.value || null;
      app.change({ assignee_id: v }, v ? "Assigned to " + (v === app.me.agent.id ? "you" : app.agentName(v)) + "." : "Unassigned.");
    });
    this.assign = assign;
    this.snoozeMenu = menuButton(
      [icon(icons.clock), h("span", { class: "btn-label" }, "Snooze"), icon(icons.down, "caret")],
      "Snooze",
      () => [
        { label: "For 1 hour", run: () => this.snooze(new Date(Date.now() + 3600 * 1000), "for an hour") },
        { label: "Until tomorrow, 9:00", run: () => this.snooze(tomorrowAt9(), "until tomorrow") },
        { label: "Until Monday, 9:00", run: () => this.snooze(mondayAt9(), "until Monday") },
      ],
      { cls: "btn", align: "right" },
    );
    this.resolveBtn = h("button", { type: "button", class: "btn", id: "resolve", "aria-keyshortcuts": "E", onclick: () => app.toggleResolved() });
    this.panelBtn = h(
      "button",
      { type: "button", class: "icon-btn panel-toggle", "aria-controls": "user-panel", "aria-label": "About the user", title: "About the user", onclick: () => app.togglePanel() },
      icon(icons.panel),
    );
    fill(this.actions, h("label", { class: "sr", for: "assignee" }, "Assignee"), assign, this.snoozeMenu, this.resolveBtn, this.panelBtn);
  }

  renderHeader(): void {
    const app = this.app;
    const it = app.open;
    if (!app.openId) return;
    if (!this.head.contains(this.who)) fill(this.head, this.back, this.who, this.actions);
    if (!it) {
      fill(this.who, h("h2", { class: "thread-title", tabindex: "-1" }, "Loading…"));
      this.actions.hidden = true;
      return;
    }
    this.controls();
    this.actions.hidden = false;
    const u = it.user;
    const status = it.status === "snoozed" && it.snoozed_until ? "Snoozed until " + full(it.snoozed_until) : it.status === "resolved" ? "Resolved" : "Open";
    const sub: (string | HTMLElement)[] = [h("span", { class: "status-pill " + it.status }, status)];
    if (it.waiting_since && it.status === "open") sub.push(h("span", { class: "muted" }, "waiting " + short(it.waiting_since).replace("now", "<1m")));
    if (u.email) sub.push(h("span", { class: "muted" }, u.email));
    else if (u.user_ref) sub.push(h("span", { class: "muted" }, u.user_ref));
    const titleFocused = document.activeElement instanceof HTMLElement && this.who.contains(document.activeElement);
    fill(
      this.who,
      avatar(u.display_name, u.id, "md"),
      h(
        "div",
        { class: "thread-who-text" },
        h("h2", { class: "thread-title", tabindex: "-1", id: "thread-title" }, h("span", { class: "thread-name" }, u.display_name || "Visitor"), badge(u.trust, "small")),
        h("div", { class: "thread-sub" }, sub),
      ),
    );
    if (titleFocused) this.focusHeader();

    // The assignee: the options change only with the team, the value with the conversation.
    const assign = this.assign!;
    const key = app.team.map((t) => t.id + ":" + t.name).join(",") + "|" + (it.assignee_id || "");
    if (key !== this.assignKey) {
      this.assignKey = key;
      const options = [h("option", { value: "" }, "Unassigned"), h("option", { value: app.me.agent.id }, "Me (" + app.me.agent.name + ")")];
      for (const t of app.team) if (t.id !== app.me.agent.id) options.push(h("option", { value: t.id }, t.name));
      if (it.assignee_id && !app.team.some((t) => t.id === it.assignee_id)) options.push(h("option", { value: it.assignee_id }, app.agentName(it.assignee_id)));
      fill(assign, options);
    }
    assign.value = it.assignee_id || "";

    this.snoozeMenu!.hidden = it.status === "snoozed";
    const resolved = it.status === "resolved";
    const r = this.resolveBtn!;
    r.className = "btn" + (resolved ? "" : " success");
    r.setAttribute("aria-label", resolved ? "Reopen" : "Resolve");
    r.title = (resolved ? "Reopen" : "Resolve") + " (E)";
    fill(r, icon(resolved ? icons.refresh : icons.check), h("span", { class: "btn-label" }, resolved ? "Reopen" : "Resolve"));
    const p = this.panelBtn!;
    p.classList.toggle("on", app.panelOpen);
    p.setAttribute("aria-pressed", String(app.panelOpen));
  }

  private snooze(until: Date, words: string): void {
    this.app.change({ status: "snoozed", snoozed_until: until.toISOString() }, "Snoozed " + words + ".");
  }

  renderMode(): void {
    const note = this.app.mode === "note";
    this.replyTab.setAttribute("aria-pressed", String(!note));
    this.noteTab.setAttribute("aria-pressed", String(note));
    this.composer.classList.toggle("note-mode", note);
    const label = this.composer.querySelector("#composer-label");
    if (label) label.textContent = note ? "Private note for agents" : "Reply to the visitor";
    this.textarea.placeholder = note ? "Write a private note… only agents see it" : "Reply to " + (this.app.open ? this.app.open.user.display_name : "the visitor") + "…";
    fill(this.composerHint, note ? [icon(icons.lock), "Only agents see this"] : [icon(icons.reply), "Sent to the visitor"]);
    fill(this.sendBtn, icon(note ? icons.note : icons.send), h("span", { class: "send-label" }, note ? "Add note" : "Send"));
    this.loadDraft();
  }

  private draft(): { reply: string; note: string } {
    const id = this.app.openId || "";
    let d = this.drafts.get(id);
    if (!d) {
      d = { reply: "", note: "" };
      this.drafts.set(id, d);
    }
    return d;
  }

  private saveDraft(): void {
    if (!this.app.openId) return;
    this.draft()[this.app.mode] = this.textarea.value;
  }

  private loadDraft(): void {
    if (!this.app.openId) return;
    this.textarea.value = this.draft()[this.app.mode];
    this.autosize();
  }

  private autosize(): void {
    this.textarea.style.height = "auto";
    this.textarea.style.height = Math.min(240, Math.max(72, this.textarea.scrollHeight + 2)) + "px";
  }

  private async submit(): Promise<void> {
    const text = this.textarea.value.trim();
    if (!text || this.sending) return;
    const mode = this.app.mode;
    this.sending = true;
    this.sendBtn.setAttribute("disabled", "");
    this.composerError.textContent = "";
    try {
      await this.app.send(text, mode);
      this.textarea.value = "";
      this.draft()[mode] = "";
      this.autosize();
      this.app.announce(mode === "note" ? "Note added." : "Reply sent.");
    } catch (e) {
      this.composerError.textContent = (mode === "note" ? "The note was not added: " : "The reply was not sent: ") + message(e);
    } finally {
      this.sending = false;
      this.sendBtn.removeAttribute("disabled");
      this.textarea.focus();
    }
  }

  /** Adds an item that arrived after the thread was drawn. */
  append(t: ThreadItem): void {
    if (!this.app.openId || this.app.threadLoading) return;
    const empty = this.log.querySelector(".log-empty");
    if (empty) empty.remove();
    const near = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 160;
    this.log.appendChild(this.item(t));
    if (!this.scroller.contains(this.log)) fill(this.scroller, this.log);
    this.scrollDown(near || (t.type !== "message" || t.message.author === "agent"));
  }

  private scrollDown(force: boolean): void {
    if (!force) return;
    requestAnimationFrame(() => (this.scroller.scrollTop = this.scroller.scrollHeight));
  }

  private day(iso: string): HTMLElement | null {
    const d = new Date(iso);
    const key = d.toDateString();
    if (key === this.lastDay) return null;
    this.lastDay = key;
    const today = new Date().toDateString();
    const yesterday = new Date(Date.now() - 86400000).toDateString();
    const words = key === today ? "Today" : key === yesterday ? "Yesterday" : d.toLocaleDateString([], { weekday: "long", month: "long", day: "numeric" });
    return h("li", { class: "day", "aria-hidden": "true" }, h("span", null, words));
  }

  private item(t: ThreadItem): Node {
    const frag = document.createDocumentFragment();
    const at = t.type === "message" ? t.message.created_at : t.type === "note" ? t.note.created_at : t.trust.at;
    const d = this.day(at);
    if (d) frag.appendChild(d);
    if (t.type === "message") frag.appendChild(this.message(t.message));
    else if (t.type === "note") frag.appendChild(this.note(t.note));
    else if (t.type === "trust") frag.appendChild(this.trustMark(t.trust));
    return frag;
  }

  private message(m: Message): HTMLElement {
    const agent = m.author === "agent";
    const author = this.app.authorId(m);
    const mine = agent && author === this.app.me.agent.id;
    const name = agent ? (mine ? m.author_name || this.app.me.agent.name : m.author_name || "Agent") : (this.app.open && this.app.open.user.display_name) || m.author_name || "Visitor";
    return h(
      "li",
      { class: "msg " + (agent ? "from-agent" : "from-user"), "data-id": m.id },
      agent ? null : avatar(name, (this.app.open && this.app.open.user.id) || name, "sm"),
      h(
        "div",
        { class: "msg-col" },
        h("div", { class: "msg-meta" }, h("span", { class: "msg-author" }, name), time(m.created_at, new Date(m.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }))),
        h("div", { class: "bubble" }, m.body),
      ),
      agent ? avatar(name, author || name, "sm") : null,
    );
  }

  private note(n: Note): HTMLElement {
    return h(
      "li",
      { class: "note", "data-id": n.id },
      h(
        "div",
        { class: "note-card" },
        h(
          "div",
          { class: "note-meta" },
          icon(icons.lock),
          h("strong", null, "Private note"),
          h("span", { class: "note-who" }, "Only agents see this"),
          h("span", { class: "note-by" }, n.agent_name, " · ", time(n.created_at, new Date(n.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }))),
        ),
        h("div", { class: "note-body" }, n.body),
      ),
    );
  }

  private trustMark(t: TrustChange): HTMLElement {
    const how = t.method ? methodWords(t.method, t.to) : "";
    return h(
      "li",
      { class: "trust-mark" },
      h("span", { class: "trust-line" }, badge(t.to, "small"), "Trust changed from " + (trustNames[t.from] || t.from) + " to " + (trustNames[t.to] || t.to) + (how ? " · " + how : "") + " · ", time(t.at, full(t.at))),
    );
  }

  flash(text: string): void {
    this.flashEl.textContent = text;
    this.flashEl.classList.add("on");
    clearTimeout(this.flashTimer);
    this.flashTimer = window.setTimeout(() => {
      this.flashEl.textContent = "";
      this.flashEl.classList.remove("on");
    }, 6000);
  }

  /** Puts the focus in the composer; shortcut is the key that asked, if any. */
  focusComposer(shortcut = ""): void {
    if (!this.app.openId || this.composer.hidden) return;
    this.textarea.focus();
    swallowShortcut(this.textarea, shortcut);
  }

  focusHeader(): void {
    const t = this.head.querySelector<HTMLElement>(".thread-title");
    if (t) t.focus();
    else if (isPhone()) this.el.focus();
  }
}

function tomorrowAt9(): Date {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  return d;
}

function mondayAt9(): Date {
  const d = new Date();
  const add = ((8 - d.getDay()) % 7) || 7;
  d.setDate(d.getDate() + add);
  d.setHours(9, 0, 0, 0);
  return d;
}
