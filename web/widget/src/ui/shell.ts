// The frame of the widget: one <kith-widget> host element with an open shadow
// root (styles isolated from the page), the launcher button and the panel
// (a non-modal dialog) with its header. Views are put in the panel's body.

import type { User } from "../types";
import { append, clear, h, icon, icons } from "./dom";

export interface ShellHooks {
  toggle(): void;
  close(): void;
  back(): void;
}

const TRUST_LABEL: { [trust: string]: string } = {
  anonymous: "Guest",
  unverified: "Unverified",
  verified: "Verified",
};

export class Shell {
  readonly host: HTMLElement;
  readonly root: HTMLDivElement;
  readonly launcher: HTMLButtonElement;
  readonly panel: HTMLElement;
  readonly body: HTMLDivElement;
  private badge: HTMLSpanElement;
  private who: HTMLParagraphElement;
  private title: HTMLHeadingElement;
  private backButton: HTMLButtonElement;
  private closeButton: HTMLButtonElement;
  private unread = 0;
  private returnFocus: HTMLElement | null = null;

  constructor(hooks: ShellHooks, title: string) {
    this.host = document.createElement("kith-widget");
    const shadow = this.host.attachShadow({ mode: "open" });
    // A constructed style sheet is not inline style, so a page whose CSP
    // forbids inline styles still shows the widget; <style> is the fallback.
    let adopted = false;
    try {
      if ("adoptedStyleSheets" in shadow && "replaceSync" in CSSStyleSheet.prototype) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(KITH_CSS);
        shadow.adoptedStyleSheets = [sheet];
        adopted = true;
      }
    } catch (e) {
      adopted = false;
    }
    if (!adopted) shadow.appendChild(h("style", null, KITH_CSS));

    this.badge = h("span", { class: "badge", "aria-hidden": "true", hidden: true });
    this.launcher = h(
      "button",
      { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "kith-panel", hidden: true, onclick: () => hooks.toggle() },
      icon(icons.chat, "i-chat"),
      icon(icons.down, "i-down"),
      this.badge,
    );
    this.backButton = h(
      "button",
      { type: "button", class: "icon back", "aria-label": "Back to conversations", hidden: true, onclick: () => hooks.back() },
      icon(icons.back),
    );
    this.closeButton = h(
      "button",
      { type: "button", class: "icon", "aria-label": "Close chat", onclick: () => hooks.close() },
      icon(icons.close),
    );
    this.who = h("p", { class: "who" });
    this.title = h("h2", { class: "title" }, title);
    this.body = h("div", { class: "body" });
    this.panel = h(
      "section",
      { class: "panel", id: "kith-panel", role: "dialog", "aria-label": title, "aria-modal": "false", tabindex: "-1", hidden: true },
      h("header", { class: "head" }, this.backButton, h("div", { class: "titles" }, this.title, this.who), this.closeButton),
      this.body,
    );
    this.panel.addEventListener("keydown", (e: KeyboardEvent) => {
      if (e.key === "Escape" && !e.isComposing) {
        e.stopPropagation();
        hooks.close();
      }
    });
    this.root = h("div", { class: "root" }, this.panel, this.launcher);
    shadow.appendChild(this.root);
    this.setBadge(0);
  }

  mount(): void {
    if (!this.host.isConnected) document.body.appendChild(this.host);
  }

  unmount(): void {
    if (this.host.parentNode) this.host.parentNode.removeChild(this.host);
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  setTitle(title: string): void {
    this.title.textContent = title;
    this.panel.setAttribute("aria-label", title);
  }

  setColor(color: string): void {
    this.root.style.setProperty("--accent", color);
  }

  setLauncher(visible: boolean): void {
    this.launcher.hidden = !visible;
  }

  open(): void {
    if (this.isOpen) return;
    const active = document.activeElement;
    this.returnFocus = active instanceof HTMLElement && active !== this.host ? active : null;
    this.panel.hidden = false;
    this.root.classList.add("open");
    this.launcher.setAttribute("aria-expanded", "true");
    this.label();
  }

  close(): void {
    if (!this.isOpen) return;
    const focusInside = this.host.shadowRoot !== null && this.host.shadowRoot.activeElement !== null;
    this.panel.hidden = true;
    this.root.classList.remove("open");
    this.launcher.setAttribute("aria-expanded", "false");
    this.label();
    if (focusInside) {
      if (!this.launcher.hidden) this.launcher.focus();
      else if (this.returnFocus && this.returnFocus.isConnected) this.returnFocus.focus();
    }
    this.returnFocus = null;
  }

  setUser(user: User | null): void {
    clear(this.who);
    if (user) append(this.who, ["Chatting as " + user.display_name, h("span", { class: "trust" }, TRUST_LABEL[user.trust] || user.trust)]);
  }

  setBack(visible: boolean): void {
    this.backButton.hidden = !visible;
  }

  setBadge(count: number): void {
    this.unread = count;
    this.badge.textContent = count > 99 ? "99+" : String(count);
    this.badge.hidden = count <= 0;
    this.label();
  }

  setView(view: Node): void {
    clear(this.body);
    this.body.appendChild(view);
  }

  /** Focus the first of these that is shown, else the panel itself. */
  focus(...targets: (HTMLElement | null | undefined)[]): void {
    for (const t of targets) {
      if (t && t.isConnected && !t.hidden) {
        t.focus();
        return;
      }
    }
    this.panel.focus();
  }

  focusBack(): void {
    this.focus(this.backButton, this.closeButton);
  }

  private label(): void {
    let text = this.isOpen ? "Close chat" : "Open chat";
    if (this.unread > 0) text += ", " + this.unread + (this.unread === 1 ? " unread message" : " unread messages");
    this.launcher.setAttribute("aria-label", text);
  }
}
