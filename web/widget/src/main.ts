// The widget script: defines window.Kith and each vendor's embed API as
// soon as it runs, so that the next <script> of the page can call them and
// the calls a vendor's loader queued before are played (W2).

import { kithAPI } from "./kith";
import { installDevRev } from "./vendors/devrev";
import { installHelpCrunch } from "./vendors/helpcrunch";
import { installHelpshift } from "./vendors/helpshift";
import { installOpenCX } from "./vendors/opencx";
import { Widget } from "./widget";

declare global {
  interface Window {
    Kith?: unknown;
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
  installDevRev(w);
  installHelpshift(w);
  installHelpCrunch(w);
  installOpenCX(w);
})();
