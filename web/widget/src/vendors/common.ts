// What the vendor adapters share: reading a vendor loader's queue, naming
// the app from a vendor's ids, and the small checks vendors make on what a
// page sends. Each adapter is a thin translation of one vendor's embed API
// onto the Widget; none of them decides who the user is (the server does).

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/**
 * The calls a vendor's loader queued before this script arrived: its stub
 * pushes each call's arguments on stub.q (Helpshift, HelpCrunch).
 */
export function queued(stub: unknown): unknown[][] {
  const q = typeof stub === "function" ? (stub as { q?: unknown }).q : undefined;
  if (!Array.isArray(q)) return [];
  return q.map((args) => Array.prototype.slice.call(args) as unknown[]);
}

/**
 * The app a vendor's ids name. A page may put the Kith app id in the
 * vendor's id field (it starts with app_); else the ids, joined by "/",
 * are an alias registered on the app: helpshift:DOMAIN/PLATFORM_ID,
 * helpcrunch:ORGANIZATION/APPLICATION_ID, opencx:TOKEN, devrev:APP_ID.
 * "" when an id is missing.
 */
export function appRef(vendor: string, ...ids: unknown[]): string {
  const last = ids[ids.length - 1];
  if (typeof last === "string" && last.indexOf("app_") === 0) return last;
  const parts: string[] = [];
  for (const id of ids) {
    if (typeof id === "number" && isFinite(id)) parts.push(String(id));
    else if (typeof id === "string" && id) parts.push(id);
    else return "";
  }
  return vendor + ":" + parts.join("/");
}

/** Loosely an email address; the server checks it properly. */
export function emailShaped(s: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s);
}

/** A phone number as E.164 when it can be read as one (spaces, dashes, dots and brackets dropped), else "". */
export function e164(v: unknown): string {
  if (typeof v !== "string") return "";
  const s = v.replace(/[\s().-]/g, "");
  return /^\+[1-9][0-9]{6,14}$/.test(s) ? s : "";
}

/**
 * A vendor's custom data as Kith custom fields: every key is a field
 * named tnt__<key>, which must be defined for users (F5); the browser's
 * values are stored as unverified (M5).
 */
export function customFields(v: unknown): Obj | undefined {
  if (!isObj(v)) return undefined;
  const out: Obj = {};
  for (const k of Object.keys(v)) out[k.indexOf("tnt__") === 0 ? k : "tnt__" + k] = v[k];
  return Object.keys(out).length ? out : undefined;
}

/** The first n characters (code points, not UTF-16 units) of s. */
export function truncate(s: string, n: number): string {
  const chars = Array.from(s);
  return chars.length > n ? chars.slice(0, n).join("") : s;
}

export function warn(vendor: string, ...what: unknown[]): void {
  console.warn("[kith] " + vendor + ":", ...what);
}

export function report(vendor: string): (e: unknown) => void {
  return (e) => console.error("[kith] " + vendor + ":", e instanceof Error ? e.message : e);
}
