// window.plugSDK: DevRev PLuG's embed API over the Kith widget, so that a
// site using PLuG moves by changing the script URL only (W2).
//
//   plugSDK.init({app_id, session_token})               verified (M1)
//   plugSDK.init({app_id, identity: {user_ref, user_traits}})  claimed (M5)
//   plugSDK.updateIdentity({user_traits})
//   plugSDK.shutdown()                                  logout (S4)
//   plugSDK.toggleWidget(open?)
//   plugSDK.onEvent(fn)                                 fn({type, kith_event, ...})

import type { InitOptions } from "./types";
import type { Widget } from "./widget";

/** Kith event -> PLuG event type. ON_PLUG_WIDGET_READY is PLuG's own; the others follow its pattern. */
export const PLUG_EVENTS: { [event: string]: string } = {
  ready: "ON_PLUG_WIDGET_READY",
  opened: "ON_PLUG_WIDGET_OPENED",
  closed: "ON_PLUG_WIDGET_CLOSED",
  unread: "ON_PLUG_UNREAD_COUNT_CHANGED",
  auth_failure: "ON_PLUG_AUTH_FAILED",
  message: "ON_PLUG_MESSAGE_RECEIVED",
  user_changed: "ON_PLUG_USER_CHANGED",
};

export interface PlugSDK {
  init(options: unknown): void;
  updateIdentity(identity: unknown): void;
  shutdown(): void;
  toggleWidget(open?: boolean): void;
  onEvent(fn: (payload: Record<string, unknown>) => void): () => void;
  isPlugInitialized: boolean;
}

type Obj = Record<string, unknown>;

function report(e: unknown): void {
  console.error("[kith] plugSDK:", e instanceof Error ? e.message : e);
}

export function plugSDK(w: Widget): PlugSDK {
  const sdk: PlugSDK = {
    isPlugInitialized: false,
    init(options) {
      const o = (options && typeof options === "object" ? options : {}) as Obj;
      const kith: InitOptions = {
        ...(o as unknown as InitOptions),
        // PLuG's option for hiding its launcher (the page opens the widget with toggleWidget).
        launcher: o.enable_default_launcher !== false && o.launcher !== false,
      };
      if (typeof o.fetchSessionToken === "function" && !kith.fetch_session_token) {
        kith.fetch_session_token = o.fetchSessionToken as () => Promise<string>;
      }
      sdk.isPlugInitialized = true;
      try {
        w.init(kith).catch(report);
      } catch (e) {
        report(e);
      }
    },
    updateIdentity(identity) {
      w.updateIdentity(identity).catch(report);
    },
    shutdown() {
      w.shutdown().catch(report);
    },
    toggleWidget(open) {
      if (open === true) w.open();
      else if (open === false) w.close();
      else w.toggle();
    },
    onEvent(fn) {
      if (typeof fn !== "function") throw new TypeError("plugSDK.onEvent: the listener must be a function");
      const off = w.onAny((event, data) => {
        const type = PLUG_EVENTS[event];
        if (type) fn({ ...data, type, kith_event: event });
      });
      // As with Kith.on("ready"): a listener added after the widget is ready hears of it.
      const user = w.getUser();
      if (user) {
        setTimeout(() => fn({ user, type: PLUG_EVENTS.ready, kith_event: "ready" }), 0);
      }
      return off;
    },
  };
  return sdk;
}
