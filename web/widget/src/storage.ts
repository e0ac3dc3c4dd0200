// What the widget keeps in the browser, per app:
//   kith:<app_id>:device   the device token; survives logout
//   kith:<app_id>:session  the widget session and its user; gone at logout
//   kith:<app_id>:prechat  the name and email typed in the pre-chat form; gone at logout
// Where localStorage is unavailable (blocked cookies, some private modes) the
// values live in memory for the page's lifetime.

import type { AuthFailure, User } from "./types";

const memory: Record<string, string> = {};

function store(): Storage | null {
  try {
    const s = window.localStorage;
    return s || null;
  } catch (e) {
    return null;
  }
}

function read(key: string): string | null {
  const s = store();
  try {
    if (s) return s.getItem(key);
  } catch (e) {
    // fall through to memory
  }
  return key in memory ? memory[key] : null;
}

function write(key: string, value: string | null): void {
  const s = store();
  if (value === null) delete memory[key];
  else memory[key] = value;
  try {
    if (s) {
      if (value === null) s.removeItem(key);
      else s.setItem(key, value);
    }
  } catch (e) {
    // quota or privacy mode: memory keeps it
  }
}

export interface StoredSession {
  session: string;
  expires_at: string;
  user: User;
  can_chat: boolean;
  /** A hash of the identification the session was made from (see identityKey). */
  key: string;
  auth_failure?: AuthFailure | null;
  /** The last live event seen, to resume from on the next page. */
  cursor?: number;
}

export function loadDevice(app: string): string {
  return read("kith:" + app + ":device") || "";
}

export function saveDevice(app: string, token: string): void {
  if (token) write("kith:" + app + ":device", token);
}

export function loadSession(app: string): StoredSession | null {
  const raw = read("kith:" + app + ":session");
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as StoredSession;
    if (s && typeof s.session === "string" && typeof s.key === "string" && s.user && typeof s.user.trust === "string") {
      return s;
    }
  } catch (e) {
    // a damaged value is forgotten below
  }
  write("kith:" + app + ":session", null);
  return null;
}

export function saveSession(app: string, s: StoredSession): void {
  write("kith:" + app + ":session", JSON.stringify(s));
}

/** Saves s only if it is still the stored session: another tab may have stored a newer one. */
export function updateSession(app: string, s: StoredSession): void {
  const cur = loadSession(app);
  if (cur && cur.session === s.session) saveSession(app, s);
}

export function clearSession(app: string): void {
  write("kith:" + app + ":session", null);
}

/** Whether a stored session may still be used: at least a minute left. */
export function fresh(s: StoredSession): boolean {
  const t = Date.parse(s.expires_at);
  return !isNaN(t) && t - Date.now() > 60000;
}

/** What a visitor typed in the pre-chat form (collect_user_data). */
export interface Prechat {
  name: string;
  email: string;
}

export function loadPrechat(app: string): Prechat | null {
  const raw = read("kith:" + app + ":prechat");
  if (!raw) return null;
  try {
    const p = JSON.parse(raw) as Prechat;
    if (p && typeof p.name === "string" && typeof p.email === "string" && p.email) return p;
  } catch (e) {
    // a damaged value is forgotten below
  }
  write("kith:" + app + ":prechat", null);
  return null;
}

export function savePrechat(app: string, p: Prechat): void {
  write("kith:" + app + ":prechat", JSON.stringify({ name: p.name, email: p.email }));
}

export function clearPrechat(app: string): void {
  write("kith:" + app + ":prechat", null);
}
