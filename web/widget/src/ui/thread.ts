// A thread: its messages in a live region (agent replies are announced),
// who is writing a reply, and the composer (Enter sends, Shift+Enter makes
// a new line).

import type { Message } from "../types";
import { clear, h, icon, icons, sr, when } from "./dom";

export interface ThreadHooks {
  /** Sends the text; resolves to false when it failed (the text stays). */
  send(body: string): Promise<boolean>;
  /** The visitor is writing (called on each change of a non-empty draft). */
  typing(): void;
}

/** How long "Sam is typing…" shows after the last word that Sam types: the server repeats it every few seconds while Sam writes. */
const TYPING_SHOWN_FOR = 6000;

export class ThreadView {
  readonly el: HTMLDivElement;
  readonly input: HTMLTextAreaElement;
  private log: HTMLDivElement;
  private note: HTMLParagraphElement;
  private sendButton: HTMLButtonElement;
  private hint: HTMLParagraphElement | null;
  private typingEl: HTMLParagraphElement;
  private typingTimer = 0;
  private busy = false;
  private hooks: ThreadHooks;

  constructor(hooks: ThreadHooks, hint: string | null) {
    this.hooks = hooks;
    this.hint = hint ? h("p", { class: "hint" }, hint) : null;
    this.log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Messages", tabindex: "0" }, this.hint);
    this.input = h("textarea", { id: "kith-input", rows: "1", placeholder: "Write a message…", "aria-label": "Message" });
    this.input.addEventListener("keydown", (e: KeyboardEvent) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener("input", () => {
      this.grow();
      if (this.input.value.trim()) this.hooks.typing();
    });
    this.sendButton = h("button", { type: "submit", class: "send", "aria-label": "Send message" }, icon(icons.send));
    this.note = h("p", { class: "note error", role: "alert", hidden: true });
    const form = h("form", { class: "composer" }, this.input, this.sendButton);
    form.addEventListener("submit", (e: Event) => {
      e.preventDefault();
      this.submit();
    });
    this.typingEl = h("p", { class: "typing", "aria-live": "polite", hidden: true });
    this.el = h("div", { class: "body" }, this.log, this.typingEl, this.note, form);
  }

  setMessages(messages: Message[]): void {
    clear(this.log);
    if (!messages.length && this.hint) this.log.appendChild(this.hint);
    for (const m of messages) this.log.appendChild(bubble(m));
    this.scroll(true);
  }

  append(m: Message): void {
    if (m.author === "agent") this.showTyping(null); // the reply ends it
    if (this.hint && this.hint.parentNode) this.log.removeChild(this.hint);
    const near = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 80;
    this.log.appendChild(bubble(m));
    this.scroll(near || m.author === "user");
  }

  /** Shows that an agent is writing a reply, for a few seconds; null hides it. */
  showTyping(name: string | null): void {
    clearTimeout(this.typingTimer);
    this.typingEl.textContent = name ? name + " is typing…" : "";
    this.typingEl.hidden = !name;
    if (name) this.typingTimer = window.setTimeout(() => this.showTyping(null), TYPING_SHOWN_FOR);
  }

  showError(text: string | null): void {
    this.note.textContent = text || "";
    this.note.hidden = !text;
  }

  private async submit(): Promise<void> {
    const body = this.input.value.trim();
    if (this.busy) return;
    if (!body) {
      this.input.focus();
      return;
    }
    this.busy = true;
    this.sendButton.setAttribute("aria-disabled", "true");
    this.showError(null);
    const ok = await this.hooks.send(body);
    this.busy = false;
    this.sendButton.removeAttribute("aria-disabled");
    if (ok) {
      this.input.value = "";
      this.grow();
    }
  }

  private grow(): void {
    this.input.style.height = "auto";
    if (this.input.value) this.input.style.height = Math.min(this.input.scrollHeight + 2, 120) + "px";
  }

  private scroll(force: boolean): void {
    if (force) this.log.scrollTop = this.log.scrollHeight;
  }
}

function bubble(m: Message): HTMLDivElement {
  const mine = m.author === "user";
  const name = mine ? "You" : m.author_name || "Support";
  return h(
    "div",
    { class: mine ? "msg mine" : "msg", "data-id": m.id },
    h("p", { class: "bubble" }, sr(name + ": "), m.body),
    h("div", { class: "meta", "aria-hidden": "true" }, mine ? when(m.created_at) : name + " · " + when(m.created_at)),
  );
}
