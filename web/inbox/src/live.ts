// The inbox's live connection: a WebSocket to /inbox/api/events,
// authenticated by the session cookie (same origin). It remembers the
// highest event id it has seen and, after any drop, reconnects with
// exponential backoff sending that id as "after", so the server replays
// whatever happened meanwhile: nothing is missed across a reconnect. Close
// code 4001 means the session ended (logged out, disabled, expired).

import type { LiveEvent, Presence } from "./types";

export interface LiveHooks {
  /** Connected and caught up to the cursor; resumed is true after a drop. */
  ready(resumed: boolean): void;
  event(e: LiveEvent): void;
  presence(agents: { id: string; presence: Presence }[]): void;
  /** The connection dropped; a reconnection is scheduled. */
  down(): void;
  /** The session ended (close 4001): log in again. */
  ended(): void;
}

export function backoff(attempt: number): number {
  const base = Math.min(30000, 1000 * Math.pow(2, attempt));
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

export class Live {
  private hooks: LiveHooks;
  private ws: WebSocket | null = null;
  private timer = 0;
  private stopped = false;
  private attempt = 0;
  private wasReady = false;
  private open = false;
  private presence: Presence = "online";
  /** The highest event id seen: where a reconnection resumes. */
  cursor = 0;

  constructor(hooks: LiveHooks) {
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

  /** Tells the team whether this agent is at their desk. */
  setPresence(p: Presence): void {
    if (p === this.presence) return;
    this.presence = p;
    this.sendPresence();
  }

  private sendPresence(): void {
    if (this.ws && this.open) {
      try {
        this.ws.send(JSON.stringify({ type: "presence", presence: this.presence }));
      } catch (e) {
        // the close handler reconnects
      }
    }
  }

  private online(): void {
    if (!this.ws && !this.stopped) {
      clearTimeout(this.timer);
      this.connect();
    }
  }

  private url(): string {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/inbox/api/events";
  }

  private connect(): void {
    if (this.stopped) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch (e) {
      this.retry(backoff(this.attempt++));
      return;
    }
    this.ws = ws;
    this.open = false;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: "hello", after: this.cursor }));
    };
    ws.onmessage = (m: MessageEvent) => {
      if (this.ws !== ws) return;
      let msg: { type?: unknown; cursor?: unknown; id?: unknown; agents?: unknown };
      try {
        msg = JSON.parse(String(m.data));
      } catch (e) {
        return;
      }
      if (!msg || typeof msg !== "object") return;
      if (msg.type === "ready") {
        if (!this.cursor && typeof msg.cursor === "number") this.cursor = msg.cursor;
        this.attempt = 0;
        this.open = true;
        const resumed = this.wasReady;
        this.wasReady = true;
        if (this.presence !== "online") this.sendPresence();
        this.hooks.ready(resumed);
      } else if (msg.type === "event") {
        // An id of 0 is announced, not stored (a typing indicator): it is
        // never replayed, and moves no cursor.
        if (typeof msg.id === "number" && msg.id !== 0) {
          if (msg.id <= this.cursor) return; // heard already
          this.cursor = msg.id;
        }
        this.hooks.event(msg as LiveEvent);
      } else if (msg.type === "presence" && Array.isArray(msg.agents)) {
        this.hooks.presence(msg.agents as { id: string; presence: Presence }[]);
      }
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.open = false;
      if (this.stopped) return;
      if (e.code === 4001) {
        this.stop();
        this.hooks.ended();
        return;
      }
      this.hooks.down();
      this.retry(e.code === 4008 ? 250 : backoff(this.attempt++));
    };
  }

  private retry(ms: number): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.connect(), ms);
  }
}
