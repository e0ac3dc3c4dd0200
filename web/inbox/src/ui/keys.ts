// Keyboard shortcuts, out of the way of typing: J and K move through the
// list, Enter opens, R replies, N writes a note, E resolves or reopens, /
// searches, ? shows this sheet, Escape goes back.

import type { App } from "../app";
import { h, isTyping } from "../dom";
import { closeDialog, closeMenus, dialog, dialogOpen } from "./menu";

export const shortcuts: [string[], string][] = [
  [["J"], "Next conversation"],
  [["K"], "Previous conversation"],
  [["Enter"], "Open the conversation"],
  [["R"], "Reply"],
  [["N"], "Write a private note"],
  [["E"], "Resolve or reopen"],
  [["/"], "Search"],
  [["Esc"], "Leave the composer, close, go back"],
  [["?"], "Show these shortcuts"],
];

export function shortcutSheet(): void {
  if (dialogOpen()) closeDialog();
  dialog(
    "Keyboard shortcuts",
    h(
      "dl",
      { class: "shortcuts" },
      shortcuts.map(([keys, what]) => [h("dt", null, keys.map((k) => h("kbd", null, k))), h("dd", null, what)]),
    ),
  );
}

export class Keyboard {
  private app: App;
  private handler: (e: KeyboardEvent) => void;

  constructor(app: App) {
    this.app = app;
    this.handler = (e) => this.key(e);
    document.addEventListener("keydown", this.handler);
  }

  stop(): void {
    document.removeEventListener("keydown", this.handler);
  }

  private key(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const app = this.app;
    if (e.key === "Escape") {
      if (closeMenus() || closeDialog()) return;
      if (app.root.classList.contains("side-open")) return app.toggleSidebar(false);
      if (isTyping(document.activeElement)) {
        (document.activeElement as HTMLElement).blur();
        return;
      }
      if (app.page !== "inbox") app.showPage("inbox");
      else if (app.openId) app.back();
      return;
    }
    if (dialogOpen() || isTyping(document.activeElement)) return;
    const inbox = app.page === "inbox";
    switch (e.key) {
      case "j":
      case "J":
        if (!inbox) return;
        app.moveCursor(1);
        break;
      case "k":
      case "K":
        if (!inbox) return;
        app.moveCursor(-1);
        break;
      case "Enter": {
        // On a link or button Enter does its own thing; on the list's cursor it opens.
        const el = document.activeElement;
        if (el && el !== document.body && el.closest("button, a, select, summary")) return;
        if (!inbox) return;
        app.openCursor();
        break;
      }
      case "r":
      case "R":
        if (!inbox || !app.openId) return;
        app.setMode("reply", e.key);
        break;
      case "n":
      case "N":
        if (!inbox || !app.openId) return;
        app.setMode("note", e.key);
        break;
      case "e":
      case "E":
        if (!inbox || !app.openId) return;
        app.toggleResolved();
        break;
      case "/":
        app.focusSearch(e.key);
        break;
      case "?":
        shortcutSheet();
        break;
      default:
        return;
    }
    e.preventDefault();
  }
}
