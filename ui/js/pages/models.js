// Models (aliases): list, create, edit targets (add, remove, reorder, weight, enable), selector, priority, fallback.
import { api, seg } from "../api.js";
import { h, empty, errorBox, field, toast, confirmDialog, splitList } from "../dom.js";
import { rowList, numberOrUndefined, compactObject, formError } from "../forms.js";

const SELECTORS = [["random", "random (weighted)"], ["in_order", "in order"], ["cost", "lowest cost"], ["latency", "lowest latency (TTFT)"], ["performance", "highest tokens/s"]];

export async function render(view, args) {
  if (args[0]) return renderEditor(view, args[0] === "new" ? null : args[0]);
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Models"),
    h("a", { class: "button primary", href: "#/models/new", id: "new-alias" }, "+ New alias")));
  let list;
  try {
    list = (await api.get("/models")).models;
  } catch (e) {
    view.append(errorBox(e, "Could not load aliases"));
    return;
  }
  if (!list.length) {
    view.append(empty("No aliases yet. An alias is the model name clients send; it routes to one or more provider targets."));
    return;
  }
  view.append(h("div", { class: "table-wrap" }, h("table", { "aria-label": "Aliases" },
    h("thead", {}, h("tr", {}, ["Alias", "Also known as", "Selector", "Targets", "Fallback", ""].map((c) => h("th", {}, c)))),
    h("tbody", {}, list.map((m) => h("tr", { "data-name": m.name },
      h("td", {}, h("strong", {}, m.name)),
      h("td", {}, (m.additional_aliases || []).join(", ") || "–"),
      h("td", {}, (m.selector || "random") + (m.priority === "api_match" ? " · api_match" : "")),
      h("td", {}, (m.targets || []).map((t) => h("div", { class: t.enabled === false ? "muted" : "" },
        `${t.provider} / ${t.model}${t.weight !== undefined && t.weight !== 1 ? ` ×${t.weight}` : ""}${t.enabled === false ? " (off)" : ""}`))),
      h("td", {}, m.fallback || "–"),
      h("td", {}, h("div", { class: "row" },
        h("a", { class: "button small", href: "#/models/" + encodeURIComponent(m.name) }, "Edit"),
        h("button", { type: "button", class: "small danger", onclick: () => remove(view, m.name) }, "Delete")))))))));
}

async function remove(view, name) {
  if (!(await confirmDialog(`Delete alias ${name}?`, "Clients using this name get 404 afterwards. Keys or fallbacks that name it make the change invalid, and it is refused."))) return;
  try {
    await api.del("/models/" + seg(name));
    toast(`Deleted ${name}`);
  } catch (e) {
    toast(e.message, "error");
  }
  view.replaceChildren();
  render(view, []).catch((e) => view.append(errorBox(e)));
}

function targetRow(providers) {
  return (t = { provider: "", model: "", enabled: true }) => {
    const provider = h("select", { name: "provider", "aria-label": "Provider" },
      h("option", { value: "" }, "provider…"),
      providers.map((p) => h("option", { value: p.name, selected: p.name === t.provider }, p.name)));
    const listId = "models-" + Math.random().toString(36).slice(2, 9);
    const datalist = h("datalist", { id: listId });
    const model = h("input", { name: "model", "aria-label": "Model", placeholder: "model", value: t.model, list: listId });
    const fill = () => {
      const p = providers.find((x) => x.name === provider.value);
      const names = p ? (Array.isArray(p.models) ? p.models : Object.keys(p.models || {})) : [];
      datalist.replaceChildren(...names.map((n) => h("option", { value: n })));
    };
    provider.addEventListener("change", fill);
    fill();
    const weight = h("input", { type: "number", name: "weight", min: 0.001, step: "any", "aria-label": "Weight", title: "weight (random selector)", value: t.weight ?? "", placeholder: "weight 1" });
    const enabled = h("input", { type: "checkbox", name: "enabled", checked: t.enabled !== false, "aria-label": "Enabled" });
    return {
      el: h("div", { class: "row" }, provider, model, datalist, weight, h("label", { class: "muted" }, enabled, " enabled")),
      value: () => {
        const out = { ...t, provider: provider.value, model: model.value.trim() };
        const w = numberOrUndefined(weight);
        if (w === undefined) delete out.weight; else out.weight = w;
        if (enabled.checked) delete out.enabled; else out.enabled = false;
        return out;
      },
    };
  };
}

async function renderEditor(view, name) {
  let m = {}, providers = [], aliases = [];
  try {
    const [pl, ml] = await Promise.all([api.get("/providers"), api.get("/models")]);
    providers = pl.providers;
    aliases = ml.models.map((x) => x.name);
    if (name) {
      m = ml.models.find((x) => x.name === name) || await api.get("/models/" + seg(name));
    }
  } catch (e) {
    view.append(errorBox(e, "Could not load the alias"));
    return;
  }
  const nameInput = h("input", { id: "alias-name", value: name || "", required: true, readonly: !!name });
  const extra = h("input", { id: "alias-extra", value: (m.additional_aliases || []).join(", "), placeholder: "gpt-4o, claude-3-5-sonnet" });
  const selector = h("select", { id: "alias-selector" }, SELECTORS.map(([v, l]) => h("option", { value: v, selected: (m.selector || "random") === v }, l)));
  const priority = h("select", { id: "alias-priority" }, [["selector", "selector only"], ["api_match", "api_match: targets speaking the client's protocol first"]]
    .map(([v, l]) => h("option", { value: v, selected: (m.priority || "selector") === v }, l)));
  const fallback = h("select", { id: "alias-fallback" }, h("option", { value: "" }, "none"),
    aliases.filter((a) => a !== name).map((a) => h("option", { value: a, selected: m.fallback === a }, a)));
  const targets = rowList({ items: m.targets || [], make: targetRow(providers), addLabel: "Add target", addId: "add-target", rowClass: "target-row", reorder: true,
    emptyText: "No targets yet: add at least one (or set a fallback)." });
  const error = formError();
  const form = h("form", { class: "card", id: "alias-form" },
    h("div", { class: "grid2" }, field("Alias", nameInput, name ? "names cannot be changed" : "the model name clients send"),
      field("Additional aliases", extra, "comma-separated; more names for the same routing")),
    h("div", { class: "grid2" }, field("Selector", selector), field("Priority", priority)),
    h("fieldset", {}, h("legend", {}, "Targets (in order)"), targets.el),
    field("Fallback alias", fallback, "tried when every target fails"),
    error.el,
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary", id: "alias-save" }, name ? "Save" : "Create"),
      h("a", { class: "button", href: "#/models" }, "Cancel")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.show(null);
    try {
      const target = nameInput.value.trim();
      if (!target) throw new Error("An alias name is required.");
      const { name: _n, ...settings } = m;
      const list = targets.values();
      if (list.some((t) => !t.provider || !t.model)) throw new Error("Every target needs a provider and a model.");
      Object.assign(settings, {
        additional_aliases: splitList(extra.value), selector: selector.value === "random" && !m.selector ? undefined : selector.value,
        priority: priority.value === "selector" && !m.priority ? undefined : priority.value,
        targets: list, fallback: fallback.value || undefined,
      });
      const body = compactObject(settings);
      if (!body.targets) body.targets = [];
      await api.put("/models/" + seg(target), body);
      toast(`Saved alias ${target}`);
      location.hash = "#/models";
    } catch (err) {
      error.show(err);
    }
  });
  view.append(h("p", {}, h("a", { href: "#/models" }, "← Models")),
    h("div", { class: "page-head" }, h("h1", {}, name ? `Alias ${name}` : "New alias")), form);
  (name ? extra : nameInput).focus();
}
