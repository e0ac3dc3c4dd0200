// window.plugSDK: DevRev PLuG's embed API over the Kith widget, so that a
// site using PLuG moves by changing the script URL only (W2).
//
//   plugSDK.init({app_id, session_token})                      verified (M1)
//   plugSDK.init({app_id, identity: {user_ref, user_traits}})  claimed (M5)
//   plugSDK.updateIdentity({user_traits})                      traits, never the user_ref (S8)
//   await plugSDK.shutdown()                                   logout (S4)
//   plugSDK.toggleWidget(open?, "create_conversation"?, {startConversationContent}?)
//   plugSDK.isWidgetOpen
//   plugSDK.onEvent(fn)                                        fn({type, ...})
//
// app_id is the Kith app's id, or a DevRev app id registered on it as the
// alias devrev:APP_ID.

import type { InitOptions } from "../types";
import type { Widget } from "../widget";
import { appRef, isObj, report } from "./common";

declare global {
  interface Window {
    plugSDK?: unknown;
  }
}

/**
 * Kith event -> PLuG event type. The ON_ names are those DevRev documents
 * for onEvent; the KITH_ ones are Kith's own, for what PLuG has no event for.
 */
export const PLUG_EVENTS: { [event: string]: string } = {
  ready: "ON_PLUG_WIDGET_READY",
  opened: "ON_PLUG_WIDGET_OPENED",
  closed: "ON_PLUG_WIDGET_CLOSED",
  unread: "ON_PLUG_WIDGET_UNREAD_COUNT_CHANGE",
  conversation_started: "ON_CONVERSATION_START",
  auth_failure: "KITH_AUTH_FAILURE",
  message: "KITH_MESSAGE_RECEIVED",
  user_changed: "KITH_USER_CHANGED",
};

/**
 * PLuG methods for what Kith has no part of (search agent, session
 * recording, event tracking, themes): they warn and do nothing, so that a
 * page calling them goes on.
 */
export const PLUG_UNSUPPORTED = [
  "trackEvent",
  "initSearchAgent",
  "toggleSearchAgent",
  "prefillSearchQuery",
  "addSessionProperties",
  "getSessionDetails",
  "restartSessionRecording",
  "toggleTheme",
];

export interface PlugSDK {
  init(options: unknown): void;
  updateIdentity(identity: unknown): Promise<void>;
  shutdown(): Promise<void>;
  toggleWidget(open?: boolean, view?: string, extra?: unknown): void;
  onEvent(fn: (payload: Record<string, unknown>) => void): () => void;
  readonly isWidgetOpen: boolean;
  isPlugInitialized: boolean;
}

const fail = report("plugSDK");

/** Kith's init options for PLuG's. */
export function options(raw: unknown): InitOptions {
  const o = isObj(raw) ? raw : {};
  const app = appRef("devrev", o.app_id);
  if (!app) throw new TypeError("plugSDK.init: app_id is required");
  const kith: InitOptions = {
    ...(o as unknown as InitOptions),
    app_id: app,
    // PLuG's option for hiding its launcher (the page opens the widget with toggleWidget).
    launcher: o.enable_default_launcher !== false && o.launcher !== false,
  };
  if (typeof o.fetchSessionToken === "function" && !kith.fetch_session_token) {
    kith.fetch_session_token = o.fetchSessionToken as () => Promise<string>;
  }
  if (typeof o.accent_color === "string" && !kith.color) kith.color = o.accent_color;
  return kith;
}

export function installDevRev(w: Widget): void {
  const sdk: PlugSDK = {
    isPlugInitialized: false,
    init(raw) {
      try {
        const o = options(raw);
        sdk.isPlugInitialized = true;
        w.init(o).catch(fail);
      } catch (e) {
        fail(e);
      }
    },
    updateIdentity(identity) {
      return w.updateIdentity(identity).then(() => undefined, fail);
    },
    shutdown() {
      return w.shutdown().then(() => undefined, fail);
    },
    toggleWidget(open, view, extra) {
      if (open === true && view === "create_conversation") {
        const text = isObj(extra) && typeof extra.startConversationContent === "string" ? extra.startConversationContent : "";
        w.openNew(text);
      } else if (open === true) w.open();
      else if (open === false) w.close();
      else w.toggle();
    },
    get isWidgetOpen() {
      return w.isOpen();
    },
    onEvent(fn) {
      if (typeof fn !== "function") throw new TypeError("plugSDK.onEvent: the listener must be a function");
      const off = w.onAny((event, data) => {
        const type = PLUG_EVENTS[event];
        if (!type) return;
        const payload: Record<string, unknown> = { ...data, type, kith_event: event };
        if (event === "unread") payload.unreadCount = data.count;
        fn(payload);
      });
      // As with Kith.on("ready"): a listener added after the widget is ready hears of it.
      const user = w.getUser();
      if (user) {
        setTimeout(() => fn({ user, type: PLUG_EVENTS.ready, kith_event: "ready" }), 0);
      }
      return off;
    },
  };
  for (const name of PLUG_UNSUPPORTED) {
    (sdk as unknown as Record<string, unknown>)[name] = () => {
      console.warn("[kith] plugSDK." + name + " is not supported by Kith; the call does nothing");
      return undefined;
    };
  }
  window.plugSDK = sdk;
}
