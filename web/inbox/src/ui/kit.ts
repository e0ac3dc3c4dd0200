// Pieces the settings pages share: their heading, a field with its label,
// hint and error, the errors of an answer put next to the fields they name,
// a link that moves within the inbox, a list of rows, and the box a secret
// is shown in, once.

import { ApiError, message } from "../api";
import { ago, fill, h, icon, icons, time, type Child } from "../dom";

/** A settings page's heading: a way back, the title (focused on arrival), a line under it, tools. */
export function pageHead(back: { label: string; run: () => void }, title: string | HTMLElement, sub: Child, ...tools: HTMLElement[]): HTMLElement {
  const h1 = typeof title === "string" ? h("h1", { id: "settings-title", tabindex: "-1" }, title) : title;
  return h(
    "header",
    { class: "settings-head" },
    h("button", { type: "button", class: "btn ghost", onclick: back.run }, icon(icons.back), back.label),
    h("div", { class: "settings-title" }, h1, h("div", { class: "muted settings-sub" }, sub)),
    tools.length ? h("div", { class: "settings-tools" }, tools) : null,
  );
}

/** A link within the inbox: a plain click moves there without a reload; a middle click or Ctrl opens a tab. */
export function innerLink(href: string, attrs: Record<string, string | null>, go: () => void, ...children: Child[]): HTMLAnchorElement {
  const a = h("a", { ...attrs, href }, children);
  a.addEventListener("click", (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    go();
  });
  return a;
}

let uid = 0;

/** A unique id for an element of a form. */
export function newId(prefix: string): string {
  return prefix + "-" + ++uid;
}

export interface Field {
  wrap: HTMLElement;
  control: HTMLElement;
  error: HTMLElement;
}

/**
 * A labelled field: the label, the control, a hint under it and the place
 * of its error, both read with the control (aria-describedby).
 */
export function field(label: string, control: HTMLElement, hint?: Child, cls = "field"): Field {
  if (!control.id) control.id = newId("f");
  const error = h("p", { class: "field-error", id: control.id + "-error" });
  const hintEl = hint ? h("p", { class: "hint", id: control.id + "-hint" }, hint) : null;
  control.setAttribute("aria-describedby", (hintEl ? hintEl.id + " " : "") + error.id);
  const wrap = h("div", { class: cls }, h("label", { for: control.id }, label), control, hintEl, error);
  return { wrap, control, error };
}

/**
 * The errors of a form. The server names the field at fault (F1): its
 * message goes under that field, which is marked invalid and focused; an
 * error of no field of the form goes to its foot.
 */
export class FormErrors {
  private fields = new Map<string, { control: HTMLElement; error: HTMLElement }>();
  readonly general: HTMLElement;

  constructor(general?: HTMLElement) {
    this.general = general || h("p", { class: "form-error", role: "alert" });
  }

  /** Names a field: the server's name for it (settings.x, x and x[0] are tried in turn). */
  add(name: string, control: HTMLElement, error: HTMLElement): void {
    this.fields.set(name, { control, error });
  }

  addField(name: string, f: Field): void {
    this.add(name, f.control, f.error);
  }

  remove(prefix: string): void {
    for (const k of Array.from(this.fields.keys())) if (k === prefix || k.startsWith(prefix + "[")) this.fields.delete(k);
  }

  clear(): void {
    this.general.textContent = "";
    for (const f of this.fields.values()) {
      f.error.textContent = "";
      f.control.removeAttribute("aria-invalid");
    }
  }

  private find(name: string): { control: HTMLElement; error: HTMLElement } | undefined {
    const tries = [name, name.replace(/^settings\./, "")];
    for (const t of [...tries]) tries.push(t.replace(/\[\d+\]$/, ""));
    for (const t of tries) {
      const f = this.fields.get(t);
      if (f) return f;
    }
    return undefined;
  }

  /** Shows an error at a field by its name, or at the foot. */
  at(name: string, text: string): void {
    const f = name ? this.find(name) : undefined;
    if (!f) {
      this.general.textContent = text;
      return;
    }
    f.error.textContent = text;
    f.control.setAttribute("aria-invalid", "true");
    f.control.focus();
  }

  /** Shows what went wrong with a request. */
  show(e: unknown): void {
    this.at(e instanceof ApiError ? e.field : "", message(e));
  }
}

/** A list of rows: an icon, a title line, a line of details, actions. */
export function rows(cls: string, items: HTMLElement[]): HTMLElement {
  return h("ul", { class: "krows " + cls }, items);
}

export function row(d: string, title: Child, meta: Child, actions: Child, cls = ""): HTMLElement {
  return h(
    "li",
    { class: "krow" + (cls ? " " + cls : "") },
    h("span", { class: "krow-icon", "aria-hidden": "true" }, icon(d)),
    h("div", { class: "krow-main" }, h("div", { class: "krow-title" }, title), h("div", { class: "krow-meta" }, meta)),
    actions ? h("div", { class: "krow-actions" }, actions) : null,
  );
}

/** "Created 5 minutes ago", with the full date as its title. */
export function when(label: string, iso: string | null | undefined): HTMLElement {
  return h("span", null, label + " ", time(iso, ago(iso)));
}

/** The parts of a line of details, with dots between. */
export function dots(...parts: Child[]): Child[] {
  const out: Child[] = [];
  for (const p of parts) {
    if (p === null || p === undefined || p === false || p === "") continue;
    if (out.length) out.push(h("span", { class: "dot", "aria-hidden": "true" }, " · "));
    out.push(p);
  }
  return out;
}

/** An empty list, in words. */
export function emptyState(d: string, title: string, text: Child): HTMLElement {
  return h("div", { class: "kempty" }, icon(d, "kempty-icon"), h("p", { class: "kempty-title" }, title), h("p", { class: "muted" }, text));
}

/** A list that could not be loaded, with a way to try again. */
export function loadError(e: unknown, retry: () => void): HTMLElement {
  return h("div", { class: "kempty" }, h("p", { class: "form-error", role: "alert" }, message(e)), h("button", { type: "button", class: "btn small", onclick: retry }, "Try again"));
}

/**
 * A secret shown once: a warning that says so, the secret in a read-only
 * field (selected, to copy at once) and a Copy button. Kith keeps only a
 * hash of it or keeps it from view from now on.
 */
export function shownOnce(label: string, value: string, why: string): HTMLElement {
  const id = newId("secret");
  const input = h("input", { id, class: "once-value", readonly: true, spellcheck: "false", autocomplete: "off", "aria-describedby": id + "-warn" });
  input.value = value;
  input.addEventListener("focus", () => input.select());
  const said = h("span", { class: "once-said", role: "status" });
  const copy = h("button", { type: "button", class: "btn", "aria-label": "Copy the " + label.toLowerCase() }, icon(icons.copy), "Copy");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(value);
      fill(copy, icon(icons.check), "Copied");
      said.textContent = "Copied to the clipboard.";
    } catch (e) {
      input.focus();
      input.select();
      said.textContent = "Press Ctrl+C (⌘C on a Mac) to copy it.";
    }
  });
  return h(
    "div",
    { class: "once" },
    h("div", { class: "once-warn", id: id + "-warn" }, icon(icons.alert), h("p", null, h("strong", null, "Copy it now: it is shown only once. "), why)),
    h("label", { class: "once-label", for: id }, label),
    h("div", { class: "once-row" }, input, copy),
    said,
  );
}

/** A section of a settings tab: its heading, what it is for, its tools, and a body loaded from the server. */
export interface LoadedCard<T> {
  el: HTMLElement;
  /** Loads the body again; resolves once it shows. */
  reload: () => Promise<void>;
  /** What the last load brought. */
  items: () => T[];
}

/**
 * A card whose body is loaded (and reloaded after each change) from the
 * server: "Loading…", then what render makes of the items, or the error
 * with a way to try again. refused takes an error that means the agent
 * may not be here (no longer an admin) and shows that instead.
 */
export function loadedCard<T>(o: {
  id: string;
  title: string;
  text: Child;
  tools?: HTMLElement[];
  load: () => Promise<T[]>;
  render: (items: T[]) => Child;
  refused: (e: unknown) => boolean;
}): LoadedCard<T> {
  const body = h("div", { class: "card-body", "aria-live": "polite", "aria-busy": "true" }, h("p", { class: "muted pad" }, "Loading…"));
  const el = h(
    "section",
    { class: "card set-card", id: o.id, "aria-labelledby": o.id + "-title" },
    h(
      "div",
      { class: "card-head" },
      h("div", { class: "card-title" }, h("h2", { id: o.id + "-title" }, o.title), h("p", { class: "muted" }, o.text)),
      o.tools && o.tools.length ? h("div", { class: "card-tools" }, o.tools) : null,
    ),
    body,
  );
  let items: T[] = [];
  let seq = 0;
  const reload = async (): Promise<void> => {
    const mine = ++seq;
    body.setAttribute("aria-busy", "true");
    try {
      const got = await o.load();
      if (mine !== seq) return;
      items = got;
      fill(body, o.render(got));
    } catch (e) {
      if (mine !== seq || o.refused(e)) return;
      fill(body, loadError(e, () => void reload()));
    } finally {
      if (mine === seq) body.removeAttribute("aria-busy");
    }
  };
  void reload();
  return { el, reload, items: () => items };
}
