// initOpenScript and window.opencxWidget: Open CX's embed API over the Kith
// widget (W2). The page keeps its snippet, which loads this script and calls
// initOpenScript(options) on DOMContentLoaded:
//
//   token            the app: its Kith id, or the alias opencx:TOKEN
//   collectUserData  a pre-chat form asks for a name and an email: the
//                    visitor is then unverified (M5), remembered in this
//                    browser, and sees only what was said in it (V3)
//   prefillUserData  {name, email} the form starts with
//   user.token       a token from POST /widget/authenticate-user (M2):
//                    verified, with history on every device (V2)
//   user.data        {name, email, phone, avatarUrl, customData} claimed by
//                    the page (M5); customData is stored as unverified
//   user.externalId  the workspace the page scopes the session to: a label
//                    that partitions the user's history, at any trust
//                    level, never workspace membership (V4)
//
// window.opencxWidget: open(), close(), toggle().

import type { InitOptions } from "../types";
import type { Widget } from "../widget";
import { appRef, customFields, e164, isObj, report, warn } from "./common";

declare global {
  interface Window {
    initOpenScript?: unknown;
    opencxWidget?: unknown;
  }
}

const V = "Open CX";

/** Kith's init options for initOpenScript's options. */
export function options(raw: unknown): InitOptions {
  const c = isObj(raw) ? raw : {};
  const app = appRef("opencx", c.token);
  if (!app) throw new TypeError("Open CX: initOpenScript needs the token");
  const o: InitOptions = { app_id: app };
  const user = isObj(c.user) ? c.user : {};
  if (typeof user.externalId === "string" && user.externalId) o.label = user.externalId;
  else if (typeof user.externalId === "number") o.label = String(user.externalId);
  if (c.collectUserData === true) o.collect_user_data = true;
  const prefill = isObj(c.prefillUserData) ? c.prefillUserData : {};
  const data = isObj(user.data) ? user.data : {};
  const name = typeof data.name === "string" && data.name ? data.name : undefined;
  const email = typeof data.email === "string" && data.email ? data.email : undefined;
  o.prefill = {
    name: typeof prefill.name === "string" ? prefill.name : name,
    email: typeof prefill.email === "string" ? prefill.email : email,
  };
  if (typeof user.token === "string" && user.token) {
    // Verified by the company's backend: what the page says besides is not sent.
    o.session_token = user.token;
    return o;
  }
  if (!email) {
    if (name) warn(V, "user.data without an email does not identify the user: the visitor stays anonymous");
    return o;
  }
  const id: NonNullable<InitOptions["identity"]> = { email };
  if (name) id.display_name = name;
  const phone = e164(data.phone);
  if (phone) id.phone_numbers = [phone];
  else if (data.phone) warn(V, "the phone number is not sent: write it in E.164 form, such as +911122334455");
  const fields = customFields(data.customData);
  if (fields) id.custom_fields = fields;
  o.identity = id;
  return o;
}

export function installOpenCX(w: Widget): void {
  const fail = report(V);
  window.initOpenScript = function initOpenScript(raw: unknown): void {
    try {
      w.init(options(raw)).catch(fail);
    } catch (e) {
      fail(e);
    }
  };
  window.opencxWidget = {
    open: () => w.open(),
    close: () => w.close(),
    toggle: () => w.toggle(),
  };
}
