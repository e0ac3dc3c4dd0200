// The pre-chat form (collect_user_data): a name and an email before the
// first conversation. What is typed identifies the visitor as claimed, not
// verified (M5): anyone can type any email.

import { h } from "./dom";

export interface PrechatHooks {
  /** Starts the chat as this person; resolves to false when it was refused. */
  submit(name: string, email: string): Promise<boolean>;
}

// What a browser's own type="email" check accepts, give or take: the
// server has the last word.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class PrechatView {
  readonly el: HTMLDivElement;
  readonly first: HTMLInputElement;
  private email: HTMLInputElement;
  private note: HTMLParagraphElement;
  private button: HTMLButtonElement;
  private busy = false;
  private hooks: PrechatHooks;

  constructor(hooks: PrechatHooks, prefill: { name?: string; email?: string }, error: string) {
    this.hooks = hooks;
    this.first = h("input", { id: "kith-name", name: "name", type: "text", autocomplete: "name", required: true, maxlength: "255" });
    this.email = h("input", { id: "kith-email", name: "email", type: "email", autocomplete: "email", required: true, maxlength: "254" });
    if (typeof prefill.name === "string") this.first.value = prefill.name;
    if (typeof prefill.email === "string") this.email.value = prefill.email;
    this.note = h("p", { class: "note error", role: "alert", hidden: !error }, error);
    this.button = h("button", { type: "submit", class: "primary" }, "Start chatting");
    const form = h(
      "form",
      { class: "prechat", novalidate: true, "aria-labelledby": "kith-prechat-title" },
      h("p", { id: "kith-prechat-title", class: "lead" }, "Before we start, tell us who you are, so that we can reply."),
      h("label", { for: "kith-name" }, "Name"),
      this.first,
      h("label", { for: "kith-email" }, "Email"),
      this.email,
      this.note,
      this.button,
    );
    form.addEventListener("submit", (e: Event) => {
      e.preventDefault();
      this.submit();
    });
    this.el = h("div", { class: "body" }, form);
  }

  private show(text: string, field: HTMLInputElement | null): void {
    this.note.textContent = text;
    this.note.hidden = !text;
    for (const f of [this.first, this.email]) f.removeAttribute("aria-invalid");
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  }

  private async submit(): Promise<void> {
    if (this.busy) return;
    const name = this.first.value.trim();
    const email = this.email.value.trim();
    if (!name) return this.show("Please enter your name.", this.first);
    if (!EMAIL.test(email)) return this.show("Please enter an email address like name@example.com.", this.email);
    this.show("", null);
    this.busy = true;
    this.button.setAttribute("aria-disabled", "true");
    await this.hooks.submit(name, email);
    this.busy = false;
    this.button.removeAttribute("aria-disabled");
  }
}
