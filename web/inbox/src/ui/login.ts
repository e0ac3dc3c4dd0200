// The login page: email and password, the server's refusals in words (a
// wrong password, too many attempts with when to try again, a disabled
// agent), and the focus where the agent should type next.

import { ApiError, post } from "../api";
import { h, icon, icons } from "../dom";
import { logo } from "./logo";

export function loginPage(notice: string, done: () => void): HTMLElement {
  const email = h("input", { id: "login-email", name: "email", type: "email", autocomplete: "username", required: true, spellcheck: "false", autocapitalize: "off" });
  const password = h("input", { id: "login-password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const error = h("p", { class: "form-error", role: "alert", id: "login-error" });
  const submit = h("button", { type: "submit", class: "btn primary block" }, "Log in");
  let wait = 0;

  const form = h(
    "form",
    { class: "login-card", "aria-labelledby": "login-title", novalidate: true },
    h("div", { class: "login-brand" }, logo(), h("span", null, "Kith")),
    h("h1", { id: "login-title" }, "Log in to the inbox"),
    notice ? h("p", { class: "notice", role: "status" }, icon(icons.lock), notice) : null,
    h("div", { class: "field" }, h("label", { for: "login-email" }, "Email"), email),
    h("div", { class: "field" }, h("label", { for: "login-password" }, "Password"), password),
    error,
    submit,
    h("p", { class: "login-foot" }, "No account yet? An admin adds agents under Settings → Agents, or with ", h("code", null, "kith agents create"), "."),
  );

  const say = (text: string, field?: HTMLInputElement) => {
    error.textContent = text;
    for (const f of [email, password]) f.removeAttribute("aria-invalid");
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", "login-error");
      field.focus();
    }
  };

  const countdown = (seconds: number) => {
    clearInterval(wait);
    let left = Math.max(1, Math.ceil(seconds));
    submit.setAttribute("disabled", "");
    const tick = () => {
      if (left <= 0) {
        clearInterval(wait);
        submit.removeAttribute("disabled");
        error.textContent = "You can try again now.";
        return;
      }
      error.textContent = "Too many attempts. Try again in " + left + (left === 1 ? " second." : " seconds.");
      left--;
    };
    tick();
    wait = window.setInterval(tick, 1000);
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!email.value.trim()) return say("Enter your email.", email);
    if (!password.value) return say("Enter your password.", password);
    submit.setAttribute("disabled", "");
    submit.textContent = "Logging in…";
    error.textContent = "";
    try {
      await post("/login", { email: email.value.trim(), password: password.value });
      clearInterval(wait);
      done();
      return;
    } catch (err) {
      const ae = err instanceof ApiError ? err : new ApiError(0, "network", String(err));
      submit.textContent = "Log in";
      submit.removeAttribute("disabled");
      switch (ae.code) {
        case "invalid_credentials":
          password.value = "";
          say("That email and password do not match an agent of this server.", password);
          break;
        case "rate_limited":
          countdown(ae.retryAfter || 60);
          break;
        case "agent_disabled":
          say("This agent has been disabled. Ask an admin of your organization.", email);
          break;
        default:
          say(ae.field === "email" ? ae.message : ae.status === 0 ? ae.message : "The server refused: " + ae.message, ae.field === "email" ? email : undefined);
      }
    }
  });

  const page = h("div", { class: "login" }, h("main", { class: "login-main" }, form));
  queueMicrotask(() => email.focus());
  return page;
}
