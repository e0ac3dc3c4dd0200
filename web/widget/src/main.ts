// The widget script: defines window.Kith and window.plugSDK as soon as it
// runs, so that the next <script> of the page can call them.

import { plugSDK } from "./devrev";
import { kithAPI } from "./kith";
import { Widget } from "./widget";

declare global {
  interface Window {
    Kith?: unknown;
    plugSDK?: unknown;
  }
}

/** Where the script was loaded from: the API host unless init says otherwise. */
function scriptHost(): string {
  let el = document.currentScript as HTMLScriptElement | null;
  if (!el || !el.src) el = document.querySelector('script[src*="/widget.js"],script[src*="/static/plug.js"]');
  try {
    if (el && el.src) return new URL(el.src, location.href).origin;
  } catch (e) {
    // fall back to the page
  }
  return location.origin;
}

(function main(): void {
  const loaded = window.Kith as { init?: unknown } | undefined;
  if (loaded && typeof loaded.init === "function") return; // loaded twice: the first copy stays in charge
  const w = new Widget(scriptHost());
  window.Kith = kithAPI(w);
  window.plugSDK = plugSDK(w);
})();
