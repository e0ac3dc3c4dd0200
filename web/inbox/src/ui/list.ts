// The middle pane: the search box, the order, the account or workspace the
// view is narrowed to (set from the user panel), and the conversations of
// the current view, each with its user's name and trust badge, the last
// message, when, whether it is unread and who it is assigned to; keyset
// paging by "Load more".

import type { App } from "../app";
import { avatar, fill, h, icon, icons, short, sr, swallowShortcut, time } from "../dom";
import type { Item } from "../types";
import { badge, trustNames } from "../trust";

const viewNames: Record<string, string> = { open: "Open", snoozed: "Snoozed", resolved: "Resolved" };

export class ListView {
  readonly el: HTMLElement;
  private app: App;
  private heading = h("h1", { id: "list-title", class: "pane-title" });
  private search: HTMLInputElement;
  private sort: HTMLSelectElement;
  private status = h("div", { class: "conn", role: "status" });
  private ul = h("ul", { class: "convs", id: "conversation-list", "aria-labelledby": "list-title" });
  private more = h("div", { class: "list-more" });
  private chips = h("div", { class: "filter-chips", role: "group", "aria-label": "Narrowed to" });
  private timer = 0;

  constructor(app: App) {
    this.app = app;
    this.search = h("input", {
      id: "search",
      type: "search",
      placeholder: "Search name, email, user_ref",
      autocomplete: "off",
      spellcheck: "false",
      "aria-keyshortcuts": "/",
    });
    this.search.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => app.setFilter({ q: this.search.value }), 250);
    });
    this.search.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        clearTimeout(this.timer);
        app.setFilter({ q: this.search.value });
      } else if (e.key === "Escape") {
        if (this.search.value) {
          this.search.value = "";
          app.setFilter({ q: "" });
        } else this.search.blur();
        e.preventDefault();
        e.stopPropagation();
      } else if (e.key === "ArrowDown") {
        e.preventDefault();
        app.moveCursor(app.cursor ? 0 : 1);
      }
    });
    this.sort = h(
      "select",
      { id: "sort", "aria-label": "Order", class: "select small" },
      h("option", { value: "recent" }, "Latest activity"),
      h("option", { value: "waiting" }, "Waiting longest"),
    );
    this.sort.addEventListener("change", () => app.setFilter({ sort: this.sort.value === "waiting" ? "waiting" : "recent" }));
    this.ul.addEventListener("click", (e) => {
      const a = (e.target as Element).closest("a.row");
      if (!a || (e as MouseEvent).metaKey || (e as MouseEvent).ctrlKey || (e as MouseEvent).shiftKey || (e as MouseEvent).button !== 0) return;
      e.preventDefault();
      const id = a.getAttribute("data-id");
      if (id) {
        app.openConversation(id);
        if ((e as MouseEvent).detail === 0) app.focusThread(); // from the keyboard
      }
    });
    this.el = h(
      "section",
      { class: "listpane", id: "conversations", "aria-labelledby": "list-title", tabindex: "-1" },
      h(
        "header",
        { class: "list-head" },
        h("button", { type: "button", class: "icon-btn side-toggle", "aria-label": "Views and filters", onclick: () => app.toggleSidebar() }, icon(icons.menu)),
        this.heading,
        this.sort,
      ),
      h(
        "form",
        { class: "search", role: "search", onsubmit: (e: Event) => e.preventDefault() },
        h("label", { for: "search", class: "sr" }, "Search conversations"),
        icon(icons.search, "search-icon"),
        this.search,
        h("kbd", { class: "search-kbd", "aria-hidden": "true" }, "/"),
      ),
      this.chips,
      this.status,
      h("div", { class: "list-scroll" }, this.ul, this.more),
    );
  }

  render(): void {
    const app = this.app;
    const f = app.filter;
    const assigned = f.assignee === "all" ? "" : f.assignee === "me" ? "Mine" : f.assignee === "none" ? "Unassigned" : app.agentName(f.assignee);
    const parts = [viewNames[f.status]];
    if (assigned) parts.push(assigned);
    if (f.unread) parts.push("Unread");
    if (f.trust) parts.push(trustNames[f.trust]);
    if (f.account) parts.push(f.accountName || "One account");
    if (f.workspace) parts.push(f.workspace);
    fill(this.heading, parts.join(" · "));
    const chips: HTMLElement[] = [];
    if (f.account) chips.push(chip("Account", f.accountName || "one account", () => app.setFilter({ account: "", accountName: "" })));
    if (f.workspace) chips.push(chip("Workspace", f.workspace, () => app.setFilter({ workspace: "" })));
    fill(this.chips, chips);
    this.chips.hidden = chips.length === 0;
    if (document.activeElement !== this.search && this.search.value !== f.q) this.search.value = f.q;
    this.sort.value = f.sort;

    const focused = document.activeElement instanceof HTMLElement && this.ul.contains(document.activeElement) ? document.activeElement.closest("a.row")?.getAttribute("data-id") : null;
    fill(this.ul, app.items.map((it) => this.row(it)));
    if (focused) this.focusRow(focused);

    if (app.listError) {
      fill(this.more, h("p", { class: "list-error", role: "alert" }, app.listError), h("button", { type: "button", class: "btn", onclick: () => app.reload() }, "Try again"));
    } else if (app.listLoading && app.items.length === 0) {
      fill(this.more, h("div", { class: "skeletons", "aria-label": "Loading conversations" }, [0, 1, 2, 3, 4].map(() => h("div", { class: "skeleton" }))));
    } else if (app.items.length === 0) {
      fill(
        this.more,
        h(
          "div",
          { class: "empty" },
          icon(icons.inbox, "empty-icon"),
          h("p", { class: "empty-title" }, f.q ? "No conversation matches “" + f.q + "”" : "Nothing here"),
          h("p", { class: "muted" }, f.q ? "Search looks at the user's name, email and user_ref." : f.status === "open" ? "New conversations arrive here as they start." : "Conversations show here when they are " + viewNames[f.status].toLowerCase() + "."),
        ),
      );
    } else if (app.next) {
      fill(this.more, h("button", { type: "button", class: "btn block", id: "load-more", disabled: app.listLoading, onclick: () => app.loadMore() }, app.listLoading ? "Loading…" : "Load more"));
    } else {
      fill(this.more, app.items.length > 8 ? h("p", { class: "list-end muted" }, "That is all of them.") : null);
    }
    this.renderStatus();
  }

  renderStatus(): void {
    const c = this.app.connection;
    this.status.className = "conn " + c;
    fill(this.status, c === "down" ? [h("span", { class: "spinner", "aria-hidden": "true" }), "Reconnecting… nothing will be missed."] : null);
  }

  private row(it: Item): HTMLElement {
    const app = this.app;
    const open = app.openId === it.id;
    const cursor = app.cursor === it.id;
    const m = it.last_message;
    const preview = m ? (m.author === "agent" ? (app.authorId(m) === app.me.agent.id ? "You: " : (m.author_name || "Agent") + ": ") + m.body : m.body) : "No messages yet";
    const assignee = it.assignee_id ? app.agentName(it.assignee_id) : "";
    const meta: HTMLElement[] = [];
    if (it.status === "snoozed" && it.snoozed_until) meta.push(h("span", { class: "tag snoozed" }, icon(icons.clock), "Until " + short(it.snoozed_until).replace("now", "soon")));
    if (it.label) meta.push(h("span", { class: "tag" }, it.label));
    if (it.workspace_ref) meta.push(h("span", { class: "tag" }, icon(icons.building), it.workspace_ref));
    meta.push(
      assignee
        ? h("span", { class: "assignee" }, avatar(assignee === "You" ? app.me.agent.name : assignee, it.assignee_id || "", "xs"), assignee)
        : h("span", { class: "assignee none" }, "Unassigned"),
    );
    if (it.waiting_since && it.status === "open") meta.push(h("span", { class: "waiting", title: "Waiting for an answer since " + new Date(it.waiting_since).toLocaleString() }, "Waiting " + short(it.waiting_since).replace("now", "<1m")));
    const unread = it.unread > 0;
    return h(
      "li",
      { class: "conv" },
      h(
        "a",
        {
          class: "row" + (open ? " open" : "") + (cursor ? " cursor" : "") + (unread ? " unread" : ""),
          href: app.url(it.id),
          "data-id": it.id,
          "aria-current": open ? "true" : null,
        },
        h("span", { class: "avatar-wrap" }, avatar(it.user.display_name, it.user.id, "md")),
        h(
          "span",
          { class: "row-main" },
          h(
            "span",
            { class: "row-top" },
            h("span", { class: "row-name" }, it.user.display_name || "Visitor"),
            badge(it.user.trust, "small"),
            h("span", { class: "row-time" }, time(m ? m.created_at : it.updated_at, short(m ? m.created_at : it.updated_at))),
          ),
          app.typing.visitor(it.id)
            ? h("span", { class: "row-preview typing" }, unread ? sr(it.unread + " unread. ") : null, "Typing…")
            : h("span", { class: "row-preview" }, unread ? sr(it.unread + " unread. ") : null, preview),
          h("span", { class: "row-meta" }, meta),
        ),
        unread ? h("span", { class: "unread-dot", "aria-hidden": "true", title: it.unread + " unread" }) : null,
      ),
    );
  }

  focusRow(id: string | null): void {
    if (!id) return;
    const a = this.ul.querySelector<HTMLElement>('a.row[data-id="' + cssEscape(id) + '"]');
    if (a) a.focus();
  }

  focusCursor(): void {
    const a = this.ul.querySelector<HTMLElement>("a.row.cursor");
    if (a) {
      a.focus();
      a.scrollIntoView({ block: "nearest" });
    }
  }

  focusSearch(shortcut = ""): void {
    this.search.focus();
    this.search.select();
    swallowShortcut(this.search, shortcut);
  }
}

/** What the list is narrowed to, with a button that widens it again. */
function chip(kind: string, value: string, clear: () => void): HTMLElement {
  return h(
    "span",
    { class: "narrowed" },
    icon(icons.building),
    h("span", { class: "chip-text" }, kind + ": ", h("strong", null, value)),
    h("button", { type: "button", class: "chip-x", "aria-label": "Show every " + kind.toLowerCase() + ", not only " + value, title: "Show every " + kind.toLowerCase(), onclick: clear }, icon(icons.close)),
  );
}

function cssEscape(s: string): string {
  return typeof CSS !== "undefined" && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&");
}
