// Keys: list, create (a generated secret shown once), edit allowed models and expiry, regenerate, delete.
import { api, seg } from "../api.js";
import { h, empty, errorBox, field, toast, confirmDialog, dialog, copyButton, time, splitList } from "../dom.js";
import { compactObject, formError } from "../forms.js";

export async function render(view, args) {
  if (args[0]) return renderEditor(view, args[0] === "new" ? null : args[0]);
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Keys"),
    h("a", { class: "button primary", href: "#/keys/new", id: "new-key" }, "+ New key")));
  let list;
  try {
    list = (await api.get("/keys")).keys;
  } catch (e) {
    view.append(errorBox(e, "Could not load keys"));
    return;
  }
  if (!list.length) {
    view.append(empty("No client keys yet: inference requests are refused until you create one."));
    return;
  }
  view.append(h("div", { class: "table-wrap" }, h("table", { "aria-label": "Keys" },
    h("thead", {}, h("tr", {}, ["Name", "Comment", "Allowed models", "Expires", "Secret", ""].map((c) => h("th", {}, c)))),
    h("tbody", {}, list.map((k) => h("tr", { "data-name": k.name },
      h("td", {}, h("strong", {}, k.name)), h("td", {}, k.comment || ""),
      h("td", {}, (k.allowed_models || []).join(", ") || h("span", { class: "muted" }, "all")),
      h("td", {}, k.expires_at ? expiry(k.expires_at) : h("span", { class: "muted" }, "never")),
      h("td", { class: "mono" }, secretLabel(k)),
      h("td", {}, h("div", { class: "row" },
        h("a", { class: "button small", href: "#/keys/" + encodeURIComponent(k.name) }, "Edit"),
        h("button", { type: "button", class: "small danger", onclick: () => remove(view, k.name) }, "Delete")))))))));
}

/** Never the secret: its `${NAME}` reference, "hashed", or masked. */
function secretLabel(k) {
  if (k.secret_sha256 !== undefined) return "hashed";
  if (typeof k.secret === "string" && k.secret.startsWith("${")) return k.secret;
  return "****";
}

function expiry(iso) {
  const past = Date.parse(iso) <= Date.now();
  return h("span", { class: past ? "badge bad" : "" }, time(iso) + (past ? " (expired)" : ""));
}

async function remove(view, name) {
  if (!(await confirmDialog(`Delete key ${name}?`, "Clients using it are refused from now on."))) return;
  try {
    await api.del("/keys/" + seg(name));
    toast(`Deleted ${name}`);
  } catch (e) {
    toast(e.message, "error");
  }
  view.replaceChildren();
  render(view, []).catch((e) => view.append(errorBox(e)));
}

/** The one time a secret is rendered: in a dialog, with a copy button; nothing keeps it afterwards. */
async function showSecret(name, secret) {
  const box = h("div", { class: "secret-box", id: "new-secret" }, secret);
  await dialog(`Secret of ${name}`, h("div", {},
    h("p", {}, "Copy it now: it is shown only this once. plexus.yaml stores only its SHA-256."),
    box, h("p", {}, copyButton(() => secret, "Copy secret"))), [{ label: "Done", value: true, class: "primary" }]);
  box.textContent = "";
}

/** `datetime-local` value (local time) from an ISO instant, and back. */
function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d)) return "";
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

async function renderEditor(view, name) {
  let k = {}, aliases = [];
  try {
    const [models, key] = await Promise.all([api.get("/models"), name ? api.get("/keys/" + seg(name)) : null]);
    aliases = models.models.map((m) => m.name);
    k = key || {};
  } catch (e) {
    view.append(errorBox(e, "Could not load the key"));
    return;
  }
  const allowed = k.allowed_models || [];
  const nameInput = h("input", { id: "key-name", value: name || "", required: true, readonly: !!name });
  const comment = h("input", { id: "key-comment", value: k.comment || "" });
  const boxes = aliases.map((a) => h("label", { class: "muted" }, h("input", { type: "checkbox", name: "allowed", value: a, checked: allowed.includes(a) }), " " + a));
  const others = h("input", { id: "key-other-models", value: allowed.filter((a) => !aliases.includes(a)).join(", "), placeholder: "direct/openai/*, direct/*" });
  const expires = h("input", { id: "key-expires", type: "datetime-local", value: toLocalInput(k.expires_at) });
  const error = formError();
  const collect = () => {
    const { name: _n, secret: _s, secret_sha256: _h, ...settings } = k;
    const chosen = [...document.querySelectorAll("input[name=allowed]:checked")].map((c) => c.value).concat(splitList(others.value));
    Object.assign(settings, { comment: comment.value.trim(), allowed_models: chosen,
      expires_at: expires.value ? new Date(expires.value).toISOString() : undefined });
    return compactObject(settings);
  };
  const submit = async (generate) => {
    error.show(null);
    const target = nameInput.value.trim();
    try {
      if (!target) throw new Error("A key name is required.");
      const body = collect();
      if (generate) body.generate_secret = true;
      const answer = await api.put("/keys/" + seg(target), body);
      if (answer.secret && answer.secret.startsWith("sk-")) await showSecret(target, answer.secret);
      toast(`Saved key ${target}`);
      location.hash = "#/keys";
    } catch (err) {
      error.show(err);
    }
  };
  const form = h("form", { class: "card", id: "key-form" },
    h("div", { class: "grid2" }, field("Name", nameInput, name ? "names cannot be changed" : "shown in logs and usage"), field("Comment", comment)),
    h("fieldset", {}, h("legend", {}, "Allowed models (none checked: every model)"),
      boxes.length ? h("div", { class: "row" }, boxes) : h("p", { class: "muted" }, "No aliases yet."),
      field("Other names", others, "comma-separated: direct/PROVIDER/MODEL, direct/PROVIDER/*, direct/*")),
    field("Expires", expires, "local time; empty: never"),
    error.el,
    h("div", { class: "row" },
      h("button", { type: "submit", class: "primary", id: "key-save" }, name ? "Save" : "Create and show secret"),
      name ? h("button", { type: "button", id: "key-regenerate", onclick: async () => {
        if (await confirmDialog("Generate a new secret?", "The current secret stops working at once.", "Generate")) submit(true);
      } }, "Generate a new secret") : null,
      h("a", { class: "button", href: "#/keys" }, "Cancel")));
  form.addEventListener("submit", (e) => { e.preventDefault(); submit(!name); });
  view.append(h("p", {}, h("a", { href: "#/keys" }, "← Keys")),
    h("div", { class: "page-head" }, h("h1", {}, name ? `Key ${name}` : "New key")), form);
  (name ? comment : nameInput).focus();
}
