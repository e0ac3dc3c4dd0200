// The custom fields, for admins (F5, section 9): what the company's
// backend and the page may set on users, accounts and workspaces, by name
// and type. They belong to the organization, so every app shows the same
// ones; a field, once defined, stays (the values stored under it keep
// their meaning).

import { get, post } from "../api";
import { h, icon, icons } from "../dom";
import type { CustomField, FieldObject, FieldType } from "../types";
import type { AppContext } from "./apps";
import { emptyState, field, FormErrors, loadedCard, when } from "./kit";
import { dialog } from "./menu";

const OBJECTS: [FieldObject, string][] = [
  ["user", "Users"],
  ["account", "Accounts"],
  ["workspace", "Workspaces"],
];

const TYPES: [FieldType, string][] = [
  ["text", "Text"],
  ["number", "Number"],
  ["boolean", "Yes or no"],
  ["date", "Date"],
  ["enum", "One of a list"],
];

const PREFIX = "tnt__";

function defineField(ctx: AppContext, reload: () => Promise<void>): void {
  const errors = new FormErrors();
  const object = h(
    "select",
    { class: "select", id: "field-object" },
    OBJECTS.map(([v, text]) => h("option", { value: v }, text.slice(0, -1))),
  );
  const objectField = field("On", object);
  const name = h("input", { id: "field-name", class: "mono", autocomplete: "off", spellcheck: "false", maxlength: "64", placeholder: "plan" });
  const nameField = field("Name", name, [
    "Lower-case letters, digits and underscores. Requests name it with its prefix: ",
    h("code", { class: "key", id: "field-name-full" }, PREFIX + "plan"),
    ".",
  ]);
  // The prefix stands before the input, in the box the field drew.
  const box = h("div", { class: "prefixed" }, h("span", { class: "prefix", "aria-hidden": "true" }, PREFIX));
  name.replaceWith(box);
  box.appendChild(name);
  const full = () => PREFIX + name.value.trim().replace(/^tnt__/, "");
  name.addEventListener("input", () => (nameField.wrap.querySelector("#field-name-full")!.textContent = full() === PREFIX ? PREFIX + "plan" : full()));
  const type = h(
    "select",
    { class: "select", id: "field-type" },
    TYPES.map(([v, text]) => h("option", { value: v }, text)),
  );
  const typeField = field("Type", type, "A value of another type is refused, naming the field.");
  const values = h("textarea", { id: "field-values", rows: "4", spellcheck: "false", placeholder: "free\npro\nenterprise" });
  const valuesField = field("Allowed values", values, "One a line; at most 200, each at most 255 characters.");
  const sync = () => (valuesField.wrap.hidden = type.value !== "enum");
  type.addEventListener("change", sync);
  sync();
  errors.addField("object", objectField);
  errors.addField("name", nameField);
  errors.addField("type", typeField);
  errors.addField("values", valuesField);

  const ok = h("button", { type: "submit", class: "btn primary" }, "Define field");
  const cancel = h("button", { type: "button", class: "btn" }, "Cancel");
  const form = h(
    "form",
    { class: "form", novalidate: true },
    h("p", null, "Fields are shared by every app of " + ctx.app.me.org.name + ", and cannot be removed once defined."),
    h("div", { class: "form-row" }, objectField.wrap, typeField.wrap),
    nameField.wrap,
    valuesField.wrap,
    errors.general,
    h("div", { class: "dialog-actions" }, cancel, ok),
  );
  const close = dialog("Define a custom field", form, { wide: true });
  cancel.addEventListener("click", close);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.clear();
    const body: Record<string, unknown> = { object: object.value, name: full(), type: type.value };
    if (type.value === "enum")
      body.values = values.value
        .split("\n")
        .map((v) => v.trim())
        .filter(Boolean);
    ok.setAttribute("disabled", "");
    try {
      await post(ctx.base + "/custom-fields", body);
      close();
      ctx.app.announce("Field " + body.name + " defined.");
      await reload();
    } catch (x) {
      if (ctx.refused(x)) return close();
      errors.show(x);
    } finally {
      ok.removeAttribute("disabled");
    }
  });
}

function fieldTable(label: string, list: CustomField[]): HTMLElement {
  return h(
    "table",
    { class: "grid fields-def" },
    h("caption", null, label),
    h("thead", null, h("tr", null, h("th", { scope: "col" }, "Name"), h("th", { scope: "col" }, "Type"), h("th", { scope: "col" }, "Defined"))),
    h(
      "tbody",
      null,
      list.map((f) =>
        h(
          "tr",
          { "data-field": f.name },
          h("td", null, h("code", { class: "key" }, f.name)),
          h(
            "td",
            null,
            h("span", { class: "tag" }, (TYPES.find(([t]) => t === f.type) || [f.type, f.type])[1]),
            f.type === "enum" && f.values.length
              ? h(
                  "div",
                  { class: "enum-values" },
                  f.values.map((v) => h("span", { class: "tag scope" }, v)),
                )
              : null,
          ),
          h("td", { class: "muted" }, when("", f.created_at)),
        ),
      ),
    ),
  );
}

export function fieldsTab(ctx: AppContext): HTMLElement {
  const add = h("button", { type: "button", class: "btn primary", id: "define-field" }, icon(icons.plus), "Define field");
  const card = loadedCard<CustomField>({
    id: "custom-fields",
    title: "Custom fields",
    text: [
      "What your backend may send in ",
      h("code", { class: "key" }, "custom_fields"),
      " for a user, an account or a workspace. An unknown or ill-typed field is refused (400), so a typo never becomes data. The user panel shows verified and claimed values apart.",
    ],
    tools: [add],
    refused: ctx.refused,
    load: async () => ((await get<{ data: CustomField[] }>(ctx.base + "/custom-fields")).data || []).sort((a, b) => a.name.localeCompare(b.name)),
    render: (list) => {
      if (list.length === 0) return emptyState(icons.tag, "No custom fields", "Define one before your backend sends it, such as a plan on users.");
      return h(
        "div",
        { class: "field-groups" },
        OBJECTS.map(([o, label]) => {
          const of = list.filter((f) => f.object === o);
          return of.length ? fieldTable(label, of) : null;
        }),
      );
    },
  });
  add.addEventListener("click", () => defineField(ctx, card.reload));
  return h("div", { class: "tab-body" }, card.el);
}
