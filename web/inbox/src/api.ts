// The HTTP client of the inbox's API: same origin, the session in its
// HttpOnly cookie (the page never sees it), JSON in and out, errors as
// ApiError with the server's code. A 401 anywhere means the session ended:
// the app is told once, and shows the login form.

export class ApiError extends Error {
  /** The HTTP status; 0 when the server could not be reached. */
  status: number;
  code: string;
  field: string;
  retryAfter: number;

  constructor(status: number, code: string, message: string, field = "", retryAfter = 0) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

export const BASE = "/inbox/api";

let onLoggedOut: (() => void) | null = null;

/** Sets what happens when the server says the session is gone. */
export function whenLoggedOut(f: () => void): void {
  onLoggedOut = f;
}

/** How far the server's clock is ahead of this browser's, from its Date headers (to a second). */
let skew = 0;

/** The server's time now, as far as this browser can tell. */
export function serverNow(): number {
  return Date.now() + skew;
}

export function get<T>(path: string): Promise<T> {
  return call<T>("GET", path);
}

export function post<T>(path: string, body?: unknown): Promise<T> {
  return call<T>("POST", path, body);
}

export function patch<T>(path: string, body: unknown): Promise<T> {
  return call<T>("PATCH", path, body);
}

export function del<T>(path: string): Promise<T> {
  return call<T>("DELETE", path);
}

/** A query string of the set parameters. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const parts: string[] = [];
  for (const k of Object.keys(params)) {
    const v = params[k];
    if (v === null || v === undefined || v === "" || v === false) continue;
    parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(String(v)));
  }
  return parts.length ? "?" + parts.join("&") : "";
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(0, "network", "The server could not be reached. Check your connection.");
  }
  const date = Date.parse(res.headers.get("date") || "");
  if (!isNaN(date)) skew = date - Date.now();
  let data: unknown = null;
  if (res.status !== 204) {
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
  }
  if (!res.ok) {
    const err = data && typeof data === "object" ? (data as { error?: { code?: unknown; message?: unknown; field?: unknown } }).error : undefined;
    const code = err && typeof err.code === "string" ? err.code : "http_" + res.status;
    const message = err && typeof err.message === "string" ? err.message : "The request failed (" + res.status + ").";
    const field = err && typeof err.field === "string" ? err.field : "";
    const e = new ApiError(res.status, code, message, field, Number(res.headers.get("retry-after")) || 0);
    if (res.status === 401 && path !== "/login" && onLoggedOut) onLoggedOut();
    throw e;
  }
  return data as T;
}

/** An error in words for the agent. */
export function message(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error ? e.message : String(e);
}
