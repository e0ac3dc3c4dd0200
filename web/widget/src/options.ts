// Reading init options: Kith's shape and DevRev's, the request body of
// POST /widget/v1/sessions, and the key that says whether a stored session
// was made from the same identification.

import type { InitOptions } from "./types";

const TRAITS = ["email", "display_name", "phone_numbers", "custom_fields"];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function pick(from: Obj, keys: string[], into: Obj): Obj {
  for (const k of keys) if (from[k] !== undefined) into[k] = from[k];
  return into;
}

/** Checks the options and resolves api_host; throws TypeError when app_id is missing. */
export function normalize(raw: unknown, scriptHost: string): InitOptions {
  if (!isObj(raw) || typeof raw.app_id !== "string" || !raw.app_id) {
    throw new TypeError("Kith.init: app_id is required");
  }
  const o = raw as unknown as InitOptions;
  const host = typeof o.api_host === "string" && o.api_host ? o.api_host : scriptHost;
  let api = host;
  try {
    api = new URL(host, location.href).href;
  } catch (e) {
    // keep it as given
  }
  return { ...o, api_host: api.replace(/\/+$/, "") };
}

/**
 * Traits of a user from Kith's flat shape or DevRev's user_traits; only the
 * fields the server knows, so that a stray key is never refused.
 */
export function traits(raw: unknown): Obj {
  if (!isObj(raw)) return {};
  const out: Obj = {};
  if (isObj(raw.user_traits)) pick(raw.user_traits, TRAITS, out);
  return pick(raw, TRAITS, out);
}

/** The identity to send, or null for none. */
export function identity(o: InitOptions): Obj | null {
  if (!isObj(o.identity)) return null;
  const out = traits(o.identity);
  if (o.identity.user_ref !== undefined) out.user_ref = o.identity.user_ref;
  return Object.keys(out).length ? out : null;
}

/** The page's label (Open CX externalId), or "" for none. */
export function label(o: InitOptions): string {
  return typeof o.label === "string" ? o.label : "";
}

export function workspace(o: InitOptions): string {
  if (typeof o.workspace_ref === "string") return o.workspace_ref;
  const ws = isObj(o.identity) ? o.identity.workspace_ref : undefined;
  return typeof ws === "string" ? ws : "";
}

/** Whether the options name a user: a session token, or a user_ref or email claimed. */
export function identified(o: InitOptions): boolean {
  if (o.session_token || o.jwt || typeof o.fetch_session_token === "function") return true;
  const id = identity(o);
  return !!id && (!!id.user_ref || !!id.email);
}

/** The request body of POST /widget/v1/sessions (without the device token). */
export function sessionBody(o: InitOptions, token: string): Obj {
  const body: Obj = { app_id: o.app_id };
  if (token) body.session_token = token;
  if (typeof o.jwt === "string" && o.jwt) body.jwt = o.jwt;
  const id = identity(o);
  if (id) body.identity = id;
  if (id && typeof o.user_hash === "string" && o.user_hash) body.user_hash = o.user_hash;
  const ws = workspace(o);
  if (ws) body.workspace_ref = ws;
  if (label(o)) body.label = label(o);
  if (o.on_login === "keep" || o.on_login === "clear" || o.on_login === "claim") body.on_login = o.on_login;
  return body;
}

/**
 * A short hash of what identifies the user (token or JWT, identity, workspace): a
 * stored session is reused only when it was made from the same. Hashed so
 * that localStorage holds no second copy of the traits.
 */
export function key(o: InitOptions): string {
  const token = typeof o.fetch_session_token === "function" ? "fetch" : o.session_token || o.jwt || null;
  return hash(JSON.stringify([token, identity(o), o.user_hash || null, workspace(o) || null, label(o) || null]));
}

/** The options of the device's anonymous visitor in the same scope (workspace and label) as o. */
export function anonymous(o: InitOptions): InitOptions {
  return { app_id: o.app_id, workspace_ref: workspace(o) || undefined, label: label(o) || undefined };
}

/** The key of an anonymous session in the options' scope. */
export function anonymousKey(o: InitOptions): string {
  return key(anonymous(o));
}

// cyrb53: a fast 53-bit string hash (not cryptographic; equality only).
function hash(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
