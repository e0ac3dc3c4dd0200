// A tiny DOM helper. Every string becomes a text node or an attribute value,
// never markup: text from the server (names, messages, notes, custom
// fields) cannot become HTML, whatever it holds.

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (e: Event) => void;
type Attr = string | number | boolean | null | undefined | Handler;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, Attr> | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Sets attributes; "on..." keys add listeners; false, null and undefined leave the attribute out. */
export function setAttrs(el: Element, attrs: Record<string, Attr>): void {
  for (const k of Object.keys(attrs)) {
    const v = attrs[k];
    if (typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else if (typeof v === "string" || typeof v === "number") el.setAttribute(k, String(v));
  }
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (typeof c === "string" || typeof c === "number") el.appendChild(document.createTextNode(String(c)));
    else el.appendChild(c);
  }
}

export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Replaces an element's children. */
export function fill(el: Node, ...children: Child[]): void {
  clear(el);
  append(el, children);
}

const SVG = "http://www.w3.org/2000/svg";

// Icons: 24x24 paths drawn with a 2px stroke.
export const icons = {
  menu: "M4 6h16M4 12h16M4 18h16",
  inbox: "M3 13h5l2 3h4l2-3h5M5 5h14l2 8v6H3v-6z",
  clock: "M12 7v5l3 2M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z",
  check: "M5 12l5 5 9-10",
  user: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c1-4 4-6 8-6s7 2 8 6",
  users: "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21c.8-3.5 3.4-5.5 7-5.5s6.2 2 7 5.5M16 3.5a4 4 0 0 1 0 7.5M18.5 15.5c1.8.8 3 2.6 3.5 5.5",
  userOff: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c1-4 4-6 8-6s7 2 8 6M3 3l18 18",
  mail: "M3 6h18v12H3zM3 7l9 6 9-6",
  search: "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-5-5",
  settings:
    "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z",
  back: "M15 5l-7 7 7 7",
  send: "M4 12l16-8-6 16-2-7z",
  lock: "M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4",
  shield: "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z",
  shieldCheck: "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6zM8.5 12l2.5 2.5 4.5-5",
  panel: "M4 4h16v16H4zM15 4v16",
  close: "M6 6l12 12M18 6L6 18",
  down: "M6 9l6 6 6-6",
  bell: "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4",
  keyboard: "M3 6h18v12H3zM7 10h.01M11 10h.01M15 10h.01M7 14h10",
  logout: "M15 4h4v16h-4M10 8l-4 4 4 4M6 12h11",
  refresh: "M20 11a8 8 0 0 0-14.8-4M4 4v4h4M4 13a8 8 0 0 0 14.8 4M20 20v-4h-4",
  plus: "M12 5v14M5 12h14",
  note: "M5 4h10l4 4v12H5zM9 12h6M9 16h4",
  reply: "M10 8L5 12l5 4M5 12h9a5 5 0 0 1 5 5v1",
  key: "M8 15a4 4 0 1 1 2.8-6.8L20 9v3h-2v2h-2v2h-3l-2.2-2.2A4 4 0 0 1 8 15z",
  chat: "M4 5h16v11H9l-5 4z",
  building: "M4 21V5l8-2v18M12 8h8v13M8 8h.01M8 12h.01M8 16h.01M16 12h.01M16 16h.01M2 21h20",
  copy: "M9 9h11v11H9zM5 15H4V4h11v1",
  alert: "M12 3.5l9.5 17h-19zM12 10v4.5M12 17.5h.01",
  trash: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3",
  app: "M3 5h18v14H3zM3 9h18M6.5 7h.01M9.5 7h.01",
  globe: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM3 12h18M12 3c2.5 2.5 3.8 5.5 3.8 9s-1.3 6.5-3.8 9c-2.5-2.5-3.8-5.5-3.8-9S9.5 5.5 12 3z",
  right: "M9 5l7 7-7 7",
  tag: "M4 4h7l9 9-7 7-9-9zM8 8h.01",
  link: "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
};

export function icon(d: string, cls?: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", cls ? "icon " + cls : "icon");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  svg.appendChild(path);
  return svg;
}

/** Text only screen readers hear. */
export function sr(text: string): HTMLSpanElement {
  return h("span", { class: "sr" }, text);
}

/** The initials of a name, for an avatar. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const first = Array.from(words[0])[0] || "";
  const last = words.length > 1 ? Array.from(words[words.length - 1])[0] || "" : "";
  return (first + last).toUpperCase();
}

/** A stable hue for a name or id, so that one person keeps one colour. */
export function hue(key: string): number {
  let x = 0;
  for (let i = 0; i < key.length; i++) x = (x * 31 + key.charCodeAt(i)) >>> 0;
  return x % 360;
}

const tones = ["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"];

export function avatar(name: string, key: string, size = ""): HTMLSpanElement {
  const cls = "avatar " + tones[hue(key) % tones.length] + (size ? " " + size : "");
  return h("span", { class: cls, "aria-hidden": "true" }, initials(name));
}

/** A short time for a list: the hour today, the weekday this week, the date before. */
export function short(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d.getTime())) return "";
  const diff = (now.getTime() - d.getTime()) / 1000;
  if (diff < 45) return "now";
  if (diff < 3600) return Math.max(1, Math.round(diff / 60)) + "m";
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (diff < 6 * 86400) return d.toLocaleDateString([], { weekday: "short" });
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString([], { month: "short", day: "numeric" });
  return d.toLocaleDateString([], { year: "numeric", month: "short", day: "numeric" });
}

/** A full date and time, for a title or a detail. */
export function full(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d.getTime())) return "";
  return d.toLocaleString([], { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** How long ago, in words: "5 minutes ago". */
export function ago(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d.getTime())) return "";
  const s = Math.round((now.getTime() - d.getTime()) / 1000);
  const future = s < 0;
  const a = Math.abs(s);
  let text: string;
  if (a < 45) return future ? "in a moment" : "just now";
  else if (a < 5400) text = plural(Math.max(1, Math.round(a / 60)), "minute");
  else if (a < 86400 * 1.5) text = plural(Math.round(a / 3600), "hour");
  else text = plural(Math.round(a / 86400), "day");
  return future ? "in " + text : text + " ago";
}

export function plural(n: number, word: string): string {
  return n + " " + word + (n === 1 ? "" : "s");
}

/** A <time> element with the full date as its title. */
export function time(iso: string | null | undefined, text: string): HTMLTimeElement {
  return h("time", { datetime: iso || "", title: full(iso) }, text);
}

/** Whether an element is a text field (keyboard shortcuts stay out of it). */
export function isTyping(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const t = (el as HTMLInputElement).type;
    return t !== "checkbox" && t !== "radio" && t !== "button" && t !== "submit";
  }
  return (el as HTMLElement).isContentEditable === true;
}

/** Whether the window is phone-sized: one pane at a time. */
export function isPhone(): boolean {
  return window.matchMedia("(max-width: 767.98px)").matches;
}

/**
 * Keeps the key of a shortcut that moved the focus into a text field from
 * also being typed there: a browser that sends the character apart from the
 * key (some remote desktops, automation) would type it.
 */
export function swallowShortcut(el: HTMLElement, key: string): void {
  if (!key) return;
  const until = Date.now() + 100;
  const eat = (e: Event) => {
    const data = (e as InputEvent).data;
    if (Date.now() <= until && data && data.toLowerCase() === key.toLowerCase()) e.preventDefault();
    el.removeEventListener("beforeinput", eat);
  };
  el.addEventListener("beforeinput", eat);
  window.setTimeout(() => el.removeEventListener("beforeinput", eat), 150);
}

const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";

/**
 * Redraws a container without losing the keyboard's place: if the focus was
 * inside, it goes back to the element at the same position afterwards (or
 * the nearest one before it).
 */
export function keepFocus(container: HTMLElement, redraw: () => void): void {
  const active = document.activeElement;
  const before = active instanceof HTMLElement && container.contains(active) ? Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE)).indexOf(active) : -1;
  redraw();
  if (before < 0 || (document.activeElement instanceof HTMLElement && container.contains(document.activeElement))) return;
  const now = Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((e) => !e.hasAttribute("disabled"));
  const target = now[Math.min(before, now.length - 1)];
  if (target) target.focus();
}
