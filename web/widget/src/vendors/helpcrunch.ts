// window.HelpCrunch: HelpCrunch's embed API over the Kith widget (W2). The
// page keeps HelpCrunch's loader, which queues calls on HelpCrunch.q and
// appends this script when the window has loaded:
//
//   HelpCrunch('init', ORGANIZATION, {applicationId, applicationSecret, user})
//   HelpCrunch('showChatWidget')   the launcher shows only once this is called
//
// The app is its Kith id in applicationId, or the alias
// helpcrunch:ORGANIZATION/APPLICATION_ID. applicationSecret sits in public
// pages and grants nothing: it is never sent. user is
// {user_id, email, name, phone, company, security_hash, custom_data}:
// user_id with security_hash (M3) is verified, with history on every
// device; user_id alone is claimed (M5); once a user_id has been verified,
// it is never taken again without its hash (V8: HelpCrunch's "403 and a
// clean chat"). name or email without user_id fill in the pre-chat form.
// window.helpcrunchSettings ({organization, appId, user}) works too.
//
// Commands: init, showChatWidget, hideChatWidget, openChat, closeChat,
// updateUser(user[, security_hash][, callback]), updateUserData(custom_data),
// logout (or logOut),
// onReady(fn), onNewUnreadChat(fn), onChatOpen(fn), onChatClose(fn).

import type { InitOptions, User } from "../types";
import type { Widget } from "../widget";
import { appRef, customFields, e164, isObj, queued, report, warn } from "./common";

declare global {
  interface Window {
    HelpCrunch?: unknown;
    helpcrunchSettings?: unknown;
  }
}

const V = "HelpCrunch";

type Obj = Record<string, unknown>;
type Callback = (...args: unknown[]) => void;

function userRef(v: unknown): string | undefined {
  if (typeof v === "number" && isFinite(v)) return String(v);
  return typeof v === "string" && v ? v : undefined;
}

/** Kith's init options for HelpCrunch's organization, application id and user. */
export function options(organization: unknown, applicationId: unknown, user: unknown, hash?: unknown): InitOptions {
  const app = appRef("helpcrunch", organization, applicationId);
  if (!app) throw new TypeError("HelpCrunch: init needs the organization and an applicationId");
  const o: InitOptions = { app_id: app };
  const u = isObj(user) ? user : {};
  const ref = userRef(u.user_id);
  const name = typeof u.name === "string" && u.name ? u.name : undefined;
  const email = typeof u.email === "string" && u.email ? u.email : undefined;
  if (!ref) {
    // No user authentication mode: the pre-chat form, filled in (HelpCrunch's words).
    if (name || email) {
      o.collect_user_data = true;
      o.prefill = { name, email };
    }
    return o;
  }
  const id: NonNullable<InitOptions["identity"]> = { user_ref: ref };
  if (email) id.email = email;
  if (name) id.display_name = name;
  const phone = e164(u.phone);
  if (phone) id.phone_numbers = [phone];
  else if (u.phone) warn(V, "the phone number is not sent: write it in E.164 form, such as +911122334455");
  const fields = customFields(u.custom_data);
  if (fields) id.custom_fields = fields;
  o.identity = id;
  const h = hash !== undefined ? hash : u.security_hash;
  if (typeof h === "string" && h) o.user_hash = h;
  return o;
}

/** The traits updateUser changes on the current user (S8: never the user_id). */
function traits(u: Obj): Obj {
  const t: Obj = {};
  if (typeof u.name === "string") t.display_name = u.name;
  if (typeof u.email === "string") t.email = u.email;
  const phone = e164(u.phone);
  if (phone) t.phone_numbers = [phone];
  const fields = customFields(u.custom_data);
  if (fields) t.custom_fields = fields;
  return t;
}

export function installHelpCrunch(w: Widget): void {
  const calls = queued(window.HelpCrunch);
  const fail = report(V);
  let shown = false; // HelpCrunch shows its launcher on showChatWidget only
  let org: unknown;
  let appId: unknown;
  let current: Obj = {};
  let ready = false;
  const onReady: Callback[] = [];
  const onUnread: Callback[] = [];
  const onOpen: Callback[] = [];
  const onClose: Callback[] = [];
  let unreadChats = 0;

  const call = (fn: Callback, ...args: unknown[]) => {
    try {
      fn(...args);
    } catch (e) {
      console.error("[kith] a HelpCrunch callback failed:", e);
    }
  };

  const start = (user: Obj, hash?: unknown): Promise<User | null> => {
    const o = options(org, appId, user, hash);
    current = user;
    w.showLauncher(shown);
    return w.init(o);
  };

  const helpcrunch = function HelpCrunch(command?: unknown, ...args: unknown[]): void {
    const cb = args.find((a) => typeof a === "function") as Callback | undefined;
    switch (command) {
      case "init": {
        const [organization, settings] = args;
        const s = isObj(settings) ? settings : {};
        org = organization;
        appId = s.applicationId;
        try {
          start(isObj(s.user) ? s.user : {}).catch(fail);
        } catch (e) {
          fail(e);
        }
        return;
      }
      case "showChatWidget":
      case "hideChatWidget":
        shown = command === "showChatWidget";
        w.showLauncher(shown);
        return;
      case "openChat":
        w.open();
        return;
      case "closeChat":
        w.close();
        return;
      case "updateUser": {
        const [user, hash] = args;
        if (!isObj(user)) return warn(V, "updateUser needs a user object");
        const ref = userRef(user.user_id);
        const done = (u: unknown) => cb && call(cb, null, u);
        const failed = (e: unknown) => (cb ? call(cb, e instanceof Error ? e.message : String(e), null) : fail(e));
        const had = userRef(current.user_id);
        if (ref !== undefined && ref !== had) {
          // Another user_id: a login (or a switch), as init with this user.
          start({ ...user }, typeof hash === "string" ? hash : undefined).then(done, failed);
        } else if (had === undefined) {
          // Still no user_id: what is known prefills the pre-chat form, as at init.
          start({ ...current, ...user }).then(done, failed);
        } else {
          w.updateIdentity(traits(user)).then(done, failed);
        }
        return;
      }
      case "logout":
      case "logOut":
        current = {};
        w.shutdown().then(
          () => cb && call(cb, null),
          (e) => (cb ? call(cb, e instanceof Error ? e.message : String(e)) : fail(e)),
        );
        return;
      case "onReady":
        if (!cb) return warn(V, "onReady needs a function");
        if (ready) setTimeout(() => call(cb), 0);
        else onReady.push(cb);
        return;
      case "onNewUnreadChat":
        if (cb) onUnread.push(cb);
        return;
      case "onChatOpen":
        if (cb) onOpen.push(cb);
        return;
      case "onChatClose":
        if (cb) onClose.push(cb);
        return;
      case "updateUserData": {
        const fields = customFields(args[0]);
        if (fields) w.updateIdentity({ custom_fields: fields }).catch(fail);
        return;
      }
      default:
        warn(V, "Kith does not support the command", command);
    }
  };

  w.onAny((event, data) => {
    switch (event) {
      case "ready":
        ready = true;
        for (const fn of onReady.splice(0)) call(fn);
        break;
      case "unread": {
        const n = typeof data.conversations === "number" ? data.conversations : 0;
        if (n > unreadChats) for (const fn of onUnread.slice()) call(fn, { unreadChats: n });
        unreadChats = n;
        break;
      }
      case "opened":
        for (const fn of onOpen.slice()) call(fn);
        break;
      case "closed":
        for (const fn of onClose.slice()) call(fn);
        break;
    }
  });

  window.HelpCrunch = helpcrunch;
  if (!calls.some((args) => args[0] === "init") && isObj(window.helpcrunchSettings)) {
    // The newer snippet: settings on the page instead of an init call, shown at once.
    const s = window.helpcrunchSettings;
    shown = true;
    helpcrunch("init", s.organization, { applicationId: s.appId, user: s.user });
  }
  for (const args of calls) helpcrunch(...args);
}
