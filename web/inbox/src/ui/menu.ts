// Menus and dialogs, keyboard first: a menu button opens a list of items
// (arrow keys move, Escape closes and gives the focus back); a dialog keeps
// the focus inside until it closes, then returns it where it was.

import { h, icon, icons, type Child } from "../dom";

export interface MenuItem {
  label: string;
  hint?: string;
  /** For a checkbox item: whether it is checked. */
  checked?: boolean;
  danger?: boolean;
  run: () => void;
}

let openMenu: { close: (focusButton: boolean) => void } | null = null;

/** Closes the open menu, if any; true if there was one. */
export function closeMenus(): boolean {
  if (!openMenu) return false;
  openMenu.close(true);
  return true;
}

/**
 * A button that opens a menu. items is called each time it opens, so the
 * menu shows the current state.
 */
export function menuButton(
  label: Child,
  a11yLabel: string,
  items: () => (MenuItem | "-")[],
  opts: { cls?: string; align?: "left" | "right"; up?: boolean } = {},
): HTMLElement {
  const btn = h("button", { type: "button", class: opts.cls || "btn", "aria-haspopup": "menu", "aria-expanded": "false", "aria-label": a11yLabel, title: a11yLabel }, label);
  const wrap = h("div", { class: "menu-wrap" }, btn);
  let list: HTMLElement | null = null;

  const close = (focusButton: boolean) => {
    if (!list) return;
    list.remove();
    list = null;
    btn.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", outside, true);
    if (openMenu && openMenu.close === close) openMenu = null;
    if (focusButton) btn.focus();
  };
  const outside = (e: Event) => {
    if (list && !wrap.contains(e.target as Node)) close(false);
  };
  const open = () => {
    if (openMenu) openMenu.close(false);
    const entries = items();
    list = h("div", { class: "menu" + (opts.align === "right" ? " right" : "") + (opts.up ? " up" : ""), role: "menu", "aria-label": a11yLabel });
    for (const it of entries) {
      if (it === "-") {
        list.appendChild(h("div", { class: "menu-sep", role: "separator" }));
        continue;
      }
      const checkbox = it.checked !== undefined;
      const item = h(
        "button",
        {
          type: "button",
          class: "menu-item" + (it.danger ? " danger" : ""),
          role: checkbox ? "menuitemcheckbox" : "menuitem",
          "aria-checked": checkbox ? String(it.checked) : null,
          tabindex: "-1",
          onclick: () => {
            close(true);
            it.run();
          },
        },
        checkbox ? h("span", { class: "check" + (it.checked ? " on" : ""), "aria-hidden": "true" }, it.checked ? icon(icons.check) : null) : null,
        h("span", { class: "menu-label" }, it.label),
        it.hint ? h("kbd", { class: "menu-hint" }, it.hint) : null,
      );
      list.appendChild(item);
    }
    list.addEventListener("keydown", (e: KeyboardEvent) => {
      const all = Array.from(list!.querySelectorAll<HTMLElement>(".menu-item"));
      const i = all.indexOf(document.activeElement as HTMLElement);
      if (e.key === "ArrowDown" || e.key === "j") {
        all[(i + 1) % all.length].focus();
      } else if (e.key === "ArrowUp" || e.key === "k") {
        all[(i - 1 + all.length) % all.length].focus();
      } else if (e.key === "Home") {
        all[0].focus();
      } else if (e.key === "End") {
        all[all.length - 1].focus();
      } else if (e.key === "Escape") {
        close(true);
      } else if (e.key === "Tab") {
        close(false);
        return;
      } else {
        return;
      }
      e.preventDefault();
      e.stopPropagation();
    });
    wrap.appendChild(list);
    btn.setAttribute("aria-expanded", "true");
    openMenu = { close };
    document.addEventListener("pointerdown", outside, true);
    const first = list.querySelector<HTMLElement>(".menu-item");
    if (first) first.focus();
  };
  btn.addEventListener("click", () => (list ? close(true) : open()));
  btn.addEventListener("keydown", (e: KeyboardEvent) => {
    if ((e.key === "ArrowDown" || e.key === "Enter" || e.key === " ") && !list) {
      e.preventDefault();
      open();
    }
  });
  return wrap;
}

let openDialog: { close: () => void } | null = null;

export function closeDialog(): boolean {
  if (!openDialog) return false;
  openDialog.close();
  return true;
}

export function dialogOpen(): boolean {
  return openDialog !== null;
}

/** A modal dialog with a title; returns its close function. */
export function dialog(title: string, body: Child, opts: { wide?: boolean; onClose?: () => void; keep?: boolean } = {}): () => void {
  closeDialog();
  const back = document.activeElement as HTMLElement | null;
  const id = "dlg-" + Math.random().toString(36).slice(2, 8);
  const closeBtn = h("button", { type: "button", class: "icon-btn", "aria-label": "Close" }, icon(icons.close));
  const box = h(
    "div",
    { class: "dialog" + (opts.wide ? " wide" : ""), role: "dialog", "aria-modal": "true", "aria-labelledby": id, tabindex: "-1" },
    h("div", { class: "dialog-head" }, h("h2", { id }, title), closeBtn),
    h("div", { class: "dialog-body" }, body),
  );
  const scrim = h("div", { class: "scrim" }, box);
  const close = () => {
    scrim.remove();
    document.removeEventListener("keydown", trap, true);
    openDialog = null;
    if (opts.onClose) opts.onClose();
    if (back && document.contains(back)) back.focus();
  };
  const trap = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
      return;
    }
    if (e.key !== "Tab") return;
    const f = Array.from(box.querySelectorAll<HTMLElement>("button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])")).filter((el) => !el.hasAttribute("disabled"));
    if (f.length === 0) return;
    const first = f[0];
    const last = f[f.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  closeBtn.addEventListener("click", close);
  // A click beside the dialog closes it, unless it holds what a slip would lose (a secret shown once).
  scrim.addEventListener("pointerdown", (e) => {
    if (e.target === scrim && !opts.keep) close();
  });
  document.addEventListener("keydown", trap, true);
  document.body.appendChild(scrim);
  openDialog = { close };
  const focusable = box.querySelector<HTMLElement>("input, textarea, select, .dialog-body button");
  (focusable || box).focus();
  return close;
}

/** Asks to confirm something that cannot be undone. */
export function confirmDialog(title: string, text: string, action: string, run: () => Promise<void> | void): void {
  const err = h("p", { class: "form-error", role: "alert" });
  const ok = h("button", { type: "button", class: "btn danger" }, action);
  const cancel = h("button", { type: "button", class: "btn" }, "Cancel");
  const close = dialog(title, [h("p", null, text), err, h("div", { class: "dialog-actions" }, cancel, ok)]);
  cancel.addEventListener("click", close);
  ok.addEventListener("click", async () => {
    ok.setAttribute("disabled", "");
    try {
      await run();
      close();
    } catch (e) {
      err.textContent = e instanceof Error ? e.message : String(e);
      ok.removeAttribute("disabled");
    }
  });
  cancel.focus();
}
