// The inbox's entry point: ask who is logged in, then show the inbox, or
// the login page when nobody is (or the session has ended).

import { ApiError, get, whenLoggedOut } from "./api";
import { App } from "./app";
import { fill, h } from "./dom";
import type { Me } from "./types";
import { loginPage } from "./ui/login";

let app: App | null = null;

function root(): HTMLElement {
  let el = document.getElementById("kith-inbox");
  if (!el) {
    el = h("div", { id: "kith-inbox" });
    document.body.appendChild(el);
  }
  return el;
}

function showLogin(notice: string): void {
  if (app) {
    app.stop();
    app = null;
  }
  document.title = "Log in · Kith";
  if (!/^\/inbox\/?$/.test(location.pathname) && !location.pathname.startsWith("/inbox/c/")) history.replaceState(null, "", "/inbox");
  fill(root(), loginPage(notice, () => boot("")));
}

async function boot(notice: string): Promise<void> {
  let me: Me;
  try {
    me = await get<Me>("/me");
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      showLogin(notice);
      return;
    }
    const retry = h("button", { type: "button", class: "btn primary", onclick: () => boot(notice) }, "Try again");
    fill(root(), h("div", { class: "login" }, h("main", { class: "login-main" }, h("div", { class: "login-card" }, h("h1", null, "The inbox cannot start"), h("p", { role: "alert" }, e instanceof Error ? e.message : String(e)), retry))));
    return;
  }
  if (app) app.stop();
  app = new App(me);
  app.onLoggedOut = (notice) => {
    app = null;
    showLogin(notice);
  };
  fill(root(), app.root);
}

whenLoggedOut(() => {
  if (app) showLogin("Your session has ended. Log in again to go on.");
});

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => boot(""));
else boot("");
