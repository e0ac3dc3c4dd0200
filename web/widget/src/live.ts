// The realtime connection: a WebSocket to /widget/v1/events that
// authenticates with the widget session, remembers the highest event id it
// has seen, and on any drop reconnects with exponential backoff, sending that
// id as "after" so the server replays what was missed.
//
// The event session.revoked means the session was revoked (a logout); close
// codes 4001 (the session ended: revoked elsewhere, or expired) and 4003
// (authentication failed) mean "start a new session"; 4008 (too slow) means
// reconnect at once.

import type { LiveEvent } from "./types";

export interface LiveHooks {
  /** The connection is authenticated; resumed is true after a reconnection. */
  ready(resumed: boolean): void;
  event(e: LiveEvent): void;
  /** The session was revoked (event session.revoked). */
  revoked(): void;
  /** The session ended or was refused (close 4001 or 4003). */
  ended(): void;
}

export function backoff(attempt: number): number {
  const base = Math.min(30000, 1000 * Math.pow(2, attempt));
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

export class Live {
  private url: string;
  private session: string;
  private hooks: LiveHooks;
  private ws: WebSocket | null = null;
  private timer = 0;
  private stopped = false;
  private attempt = 0;
  private wasReady = false;
  /** The highest event id seen: the resume point. */
  cursor = 0;

  constructor(url: string, session: string, cursor: number, hooks: LiveHooks) {
    this.url = url;
    this.session = session;
    this.cursor = cursor;
    this.hooks = hooks;
    this.online = this.online.bind(this);
    window.addEventListener("online", this.online);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    window.removeEventListener("online", this.online);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      try {
        ws.close(1000);
      } catch (e) {
        // already closing
      }
    }
  }

  private online(): void {
    if (!this.ws && !this.stopped) {
      clearTimeout(this.timer);
      this.connect();
    }
  }

  private connect(): void {
    if (this.stopped) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.retry(backoff(this.attempt++));
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: "auth", session: this.session, after: this.cursor }));
    };
    ws.onmessage = (m: MessageEvent) => {
      if (this.ws !== ws) return;
      let msg: { type?: unknown; cursor?: unknown; id?: unknown; kind?: unknown };
      try {
        msg = JSON.parse(String(m.data));
      } catch (e) {
        return;
      }
      if (!msg || typeof msg !== "object") return;
      if (msg.type === "ready") {
        if (!this.cursor && typeof msg.cursor === "number") this.cursor = msg.cursor;
        this.attempt = 0;
        const resumed = this.wasReady;
        this.wasReady = true;
        this.hooks.ready(resumed);
      } else if (msg.type === "event") {
        if (msg.kind === "session.revoked") {
          this.stop();
          this.hooks.revoked();
          return;
        }
        if (typeof msg.id === "number" && msg.id > this.cursor) this.cursor = msg.id;
        this.hooks.event(msg as LiveEvent);
      }
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      if (e.code === 4001 || e.code === 4003) {
        this.stop();
        this.hooks.ended();
      } else if (e.code === 4008) {
        this.retry(250);
      } else {
        this.retry(backoff(this.attempt++));
      }
    };
  }

  private retry(ms: number): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.connect(), ms);
  }
}
