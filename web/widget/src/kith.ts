// window.Kith: the widget's own small API (docs/widget.md, "The Kith API").

import type { Listener } from "./emitter";
import type { User } from "./types";
import type { Widget } from "./widget";

export const EVENTS = ["ready", "opened", "closed", "unread", "auth_failure", "message", "conversation_started", "user_changed"];

export interface KithAPI {
  version: string;
  init(options: unknown): Promise<User | null>;
  shutdown(): Promise<User | null>;
  open(): void;
  close(): void;
  toggle(): void;
  on(event: string, fn: Listener): () => void;
  user(): User | null;
  unread(): number;
  updateIdentity(traits: unknown): Promise<User | null>;
}

export function kithAPI(w: Widget): KithAPI {
  return {
    version: "1",
    init: (options) => w.init(options),
    shutdown: () => w.shutdown(),
    open: () => w.open(),
    close: () => w.close(),
    toggle: () => w.toggle(),
    on(event, fn) {
      if (typeof fn !== "function") throw new TypeError("Kith.on: the listener must be a function");
      if (EVENTS.indexOf(event) < 0) console.warn("[kith] Kith.on: there is no event named", event);
      return w.on(event, fn);
    },
    user: () => w.getUser(),
    unread: () => w.getUnread(),
    updateIdentity: (traits) => w.updateIdentity(traits),
  };
}
