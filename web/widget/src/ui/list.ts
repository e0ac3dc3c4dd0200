// The conversation list: the last message of each, an unread dot, and the
// "New conversation" button.

import type { Conversation } from "../types";
import { clear, h, sr, when } from "./dom";

export interface ListHooks {
  select(id: string): void;
  start(): void;
  more(): void;
}

export class ListView {
  readonly el: HTMLDivElement;
  readonly newButton: HTMLButtonElement;
  private list: HTMLUListElement;
  private hooks: ListHooks;

  constructor(hooks: ListHooks) {
    this.hooks = hooks;
    this.list = h("ul", { class: "list", "aria-label": "Conversations" });
    this.newButton = h("button", { type: "button", class: "primary", onclick: () => hooks.start() }, "New conversation");
    this.el = h("div", { class: "body" }, this.list, h("div", { class: "foot" }, this.newButton));
  }

  update(convs: Conversation[], hasMore: boolean): void {
    // Keep the keyboard where it was across a re-render.
    const root = this.el.getRootNode() as ShadowRoot | Document;
    const active = root.activeElement;
    const focused = active instanceof HTMLElement && this.list.contains(active) ? active.getAttribute("data-id") : null;
    clear(this.list);
    if (!convs.length) {
      this.list.appendChild(h("li", { class: "status" }, "No conversations yet. Start one below."));
    }
    for (const c of convs) {
      const m = c.last_message;
      const name = !m ? "Conversation" : m.author === "user" ? "You" : m.author_name || "Support";
      const unread = c.unread > 0;
      const button = h(
        "button",
        { type: "button", class: unread ? "conv unread" : "conv", "data-id": c.id, onclick: () => this.hooks.select(c.id) },
        h(
          "span",
          { class: "conv-top" },
          h("span", { class: "conv-name" }, name),
          h("span", { class: "conv-time" }, when(m ? m.created_at : c.updated_at)),
          unread && h("span", { class: "dot" }, sr(c.unread === 1 ? "1 unread message" : c.unread + " unread messages")),
        ),
        h("span", { class: "conv-text" }, m ? m.body : "No messages yet"),
      );
      this.list.appendChild(h("li", null, button));
    }
    if (hasMore) {
      this.list.appendChild(h("li", null, h("button", { type: "button", class: "more", "data-id": "more", onclick: () => this.hooks.more() }, "Show older conversations")));
    }
    if (focused) this.focusItem(focused);
  }

  /** Focus the row of a conversation; false if it is not shown. */
  focusItem(id: string): boolean {
    const buttons = this.list.querySelectorAll("button");
    for (let i = 0; i < buttons.length; i++) {
      if (buttons[i].getAttribute("data-id") === id) {
        buttons[i].focus();
        return true;
      }
    }
    return false;
  }
}
