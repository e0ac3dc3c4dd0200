// window.Helpshift: Helpshift Web Chat's embed API over the Kith widget
// (W2). The page keeps Helpshift's loader snippet, which queues calls on
// Helpshift.q and calls Helpshift("init") once this script has loaded, and
// its window.helpshiftConfig:
//
//   platformId, domain        the app: its Kith id in platformId, or the alias helpshift:DOMAIN/PLATFORM_ID
//   userId, userEmail         who is logged in (R4: the id wins), claimed (M5) unless...
//   userAuthToken             ...the HMAC of the user (M3) makes them verified
//   userName                  the name agents see, truncated to 255 characters (F3)
//   fullPrivacy               no email or name is sent: the id alone identifies
//   clearAnonymousUserOnLogin this browser's anonymous history is cleared at login (S5)
//   widgetOptions.showLauncher false hides the launcher
//
// Commands: init, update, updateHelpshiftConfig (read helpshiftConfig
// again: log in, switch user or, without identifiers, log out), logout,
// open, close, show, hide, addEventListener, removeEventListener.
// Events: userAuthFailure {message}, widgetToggle {visible},
// newUnreadMessages {unreadCount}, conversationStart {message}.

import { Emitter, Listener } from "../emitter";
import type { AuthFailure, InitOptions } from "../types";
import type { Widget } from "../widget";
import { appRef, emailShaped, isObj, queued, report, truncate, warn } from "./common";

declare global {
  interface Window {
    Helpshift?: unknown;
    helpshiftConfig?: unknown;
  }
}

const V = "Helpshift";

/** Helpshift's limits on identifiers (F3). */
export const MAX_USER_ID = 750;
export const MAX_USER_NAME = 255;

/** Helpshift's two userAuthFailure messages; every refusal is one of them. */
export function authFailureMessage(code: string): string {
  return code === "missing_user_auth_token" ? "missing user auth token" : "invalid user auth token";
}

/**
 * Why Helpshift would turn these identifiers into an anonymous user (F3),
 * or null when they may be sent. Empty values count as absent.
 */
export function invalidIdentifiers(userId: unknown, userEmail: unknown): AuthFailure | null {
  if (userId !== undefined && userId !== null && userId !== "") {
    if (typeof userId !== "string") return { code: "invalid_user_ref", message: "userId must be a string" };
    if (userId.length > MAX_USER_ID) return { code: "invalid_user_ref", message: "userId is longer than 750 characters" };
    if (userId.trim() !== userId) return { code: "invalid_user_ref", message: "userId has leading or trailing spaces" };
    if (emailShaped(userId)) return { code: "invalid_user_ref", message: "userId is an email address: send it as userEmail" };
  }
  if (userEmail !== undefined && userEmail !== null && userEmail !== "") {
    if (typeof userEmail !== "string") return { code: "invalid_email", message: "userEmail must be a string" };
    if (userEmail.trim() !== userEmail) return { code: "invalid_email", message: "userEmail has leading or trailing spaces" };
    if (!emailShaped(userEmail)) return { code: "invalid_email", message: "userEmail is not an email address" };
  }
  return null;
}

/** Kith's init options for a helpshiftConfig. */
export function options(config: unknown): InitOptions {
  const c = isObj(config) ? config : {};
  const app = appRef("helpshift", c.domain, c.platformId);
  if (!app) throw new TypeError("Helpshift: helpshiftConfig needs platformId and domain");
  const o: InitOptions = { app_id: app };
  const wo = isObj(c.widgetOptions) ? c.widgetOptions : {};
  if (wo.showLauncher === false) o.launcher = false;
  if (c.clearAnonymousUserOnLogin === true) o.on_login = "clear";
  const userId = c.userId === "" ? undefined : c.userId;
  const userEmail = c.fullPrivacy === true || c.userEmail === "" ? undefined : c.userEmail;
  if ((userId === undefined || userId === null) && (userEmail === undefined || userEmail === null)) return o;
  const bad = invalidIdentifiers(userId, userEmail);
  if (bad) {
    o.invalid_identity = bad;
    return o;
  }
  const id: NonNullable<InitOptions["identity"]> = {};
  if (typeof userId === "string") id.user_ref = userId;
  if (typeof userEmail === "string") id.email = userEmail;
  if (c.fullPrivacy !== true && typeof c.userName === "string" && c.userName) id.display_name = truncate(c.userName, MAX_USER_NAME);
  o.identity = id;
  if (typeof c.userAuthToken === "string" && c.userAuthToken) o.user_hash = c.userAuthToken;
  return o;
}

export function installHelpshift(w: Widget): void {
  const calls = queued(window.Helpshift);
  const events = new Emitter();
  const fail = report(V);

  const start = () => {
    try {
      w.init(options(window.helpshiftConfig)).catch(fail);
    } catch (e) {
      fail(e);
    }
  };

  const helpshift = function Helpshift(command?: unknown, ...args: unknown[]): void {
    switch (command) {
      case "init":
      case "update":
      case "updateHelpshiftConfig":
        start();
        return;
      case "logout":
        w.shutdown().catch(fail);
        return;
      case "open":
        w.open();
        return;
      case "close":
        w.close();
        return;
      case "show":
        w.showLauncher(true);
        return;
      case "hide":
        w.close();
        w.showLauncher(false);
        return;
      case "addEventListener": {
        const [name, fn] = args;
        if (typeof name !== "string" || typeof fn !== "function") return warn(V, "addEventListener needs an event name and a function");
        events.on(name, fn as Listener);
        return;
      }
      case "removeEventListener": {
        const [name, fn] = args;
        if (typeof name === "string" && typeof fn === "function") events.off(name, fn as Listener);
        return;
      }
      default:
        warn(V, "Kith does not support the command", command);
    }
  };

  w.onAny((event, data) => {
    switch (event) {
      case "auth_failure":
        events.emit("userAuthFailure", { message: authFailureMessage(String(data.code)) });
        break;
      case "opened":
      case "closed":
        events.emit("widgetToggle", { visible: event === "opened" });
        break;
      case "unread":
        events.emit("newUnreadMessages", { unreadCount: data.count });
        break;
      case "conversation_started": {
        const m = isObj(data.message) ? data.message : {};
        events.emit("conversationStart", { message: m.body });
        break;
      }
    }
  });

  window.Helpshift = helpshift;
  for (const args of calls) helpshift(...args);
}
