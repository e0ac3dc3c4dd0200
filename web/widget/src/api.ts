// The HTTP client of the widget API: JSON in and out, the widget session as
// a bearer token, errors as ApiError with the server's code.

export class ApiError extends Error {
  /** The HTTP status; 0 when the server could not be reached. */
  status: number;
  code: string;
  retryAfter: number;

  constructor(status: number, code: string, message: string, retryAfter = 0) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }

  /** Worth trying again later: the network, a rate limit, the server or its storage. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export class Api {
  readonly host: string;
  readonly token: string;

  constructor(host: string, token = "") {
    this.host = host;
    this.token = token;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>("GET", path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>("POST", path, body);
  }

  del(path: string): Promise<unknown> {
    return this.call("DELETE", path);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.token) headers.authorization = "Bearer " + this.token;
    if (body !== undefined) headers["content-type"] = "application/json";
    const init: RequestInit = {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      mode: "cors",
      // A logout must reach the server even when the page navigates away
      // right after it.
      keepalive: method === "DELETE",
    };
    let res: Response;
    try {
      res = await fetch(this.host + path, init);
    } catch (e) {
      try {
        // Some browsers refuse keepalive with a CORS preflight: once more without.
        if (!init.keepalive) throw e;
        init.keepalive = false;
        res = await fetch(this.host + path, init);
      } catch (e2) {
        throw new ApiError(0, "network", "the chat server could not be reached");
      }
    }
    let data: unknown = null;
    if (res.status !== 204) {
      try {
        data = await res.json();
      } catch (e) {
        data = null;
      }
    }
    if (!res.ok) {
      const err = data && typeof data === "object" ? (data as { error?: { code?: unknown; message?: unknown } }).error : undefined;
      const code = err && typeof err.code === "string" ? err.code : "http_" + res.status;
      const message = err && typeof err.message === "string" ? err.message : "request failed with status " + res.status;
      throw new ApiError(res.status, code, message, Number(res.headers.get("retry-after")) || 0);
    }
    return data as T;
  }
}
