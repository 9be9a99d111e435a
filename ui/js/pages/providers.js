// Providers: list, create, edit (URLs per protocol, key reference, headers, models with pricing), delete, enable.
import { api, seg } from "../api.js";
import { h, empty, errorBox, field, toast, confirmDialog } from "../dom.js";
import { rowList, numberOrUndefined, jsonField, compactObject, formError } from "../forms.js";

const PROTOCOLS = ["chat", "messages", "gemini", "responses", "embeddings"];

export async function render(view, args) {
  if (args[0]) return renderEditor(view, args[0] === "new" ? null : args[0]);
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Providers"),
    h("a", { class: "button primary", href: "#/providers/new", id: "new-provider" }, "+ New provider")));
  let list;
  try {
    list = (await api.get("/providers")).providers;
  } catch (e) {
    view.append(errorBox(e, "Could not load providers"));
    return;
  }
  if (!list.length) {
    view.append(empty("No providers yet. Add one to send requests upstream."));
    return;
  }
  const body = h("tbody", {}, list.map((p) => providerRow(p, view)));
  view.append(h("div", { class: "table-wrap" }, h("table", { "aria-label": "Providers" },
    h("thead", {}, h("tr", {}, ["Name", "URL", "Key", "Models", "Enabled", ""].map((c) => h("th", {}, c)))), body)));
}

const modelNames = (models) => (Array.isArray(models) ? models : Object.keys(models || {}));

function urlText(url) {
  if (!url) return "–";
  if (typeof url === "string") return url;
  return Object.entries(url).map(([k, v]) => `${k}: ${v}`).join("\n");
}

function enabledBadge(v) {
  if (v === false) return h("span", { class: "badge off" }, "disabled");
  if (v === "auto") return h("span", { class: "badge warn", title: "enabled when its key variable is set" }, "auto");
  return h("span", { class: "badge ok" }, "enabled");
}

function providerRow(p, view) {
  const names = modelNames(p.models);
  const toggle = async () => {
    const { name, ...settings } = p;
    settings.enabled = p.enabled === false;
    try {
      await api.put("/providers/" + seg(name), settings);
      toast(`${name} ${settings.enabled ? "enabled" : "disabled"}`);
    } catch (e) {
      toast(e.message, "error");
    }
    rerender(view);
  };
  const remove = async () => {
    if (!(await confirmDialog(`Delete provider ${p.name}?`, "It is removed from plexus.yaml. Aliases that still route to it make the change invalid, and it is refused."))) return;
    try {
      await api.del("/providers/" + seg(p.name));
      toast(`Deleted ${p.name}`);
    } catch (e) {
      toast(e.message, "error");
    }
    rerender(view);
  };
  return h("tr", { "data-name": p.name },
    h("td", {}, h("strong", {}, p.name), p.display_name ? h("div", { class: "muted" }, p.display_name) : null),
    h("td", { class: "mono" }, urlText(p.api_base_url)),
    h("td", { class: "mono" }, p.api_key || "–"),
    h("td", { title: names.join(", ") }, names.length ? `${names.length}: ${names.slice(0, 3).join(", ")}${names.length > 3 ? "…" : ""}` : "any"),
    h("td", {}, enabledBadge(p.enabled)),
    h("td", {}, h("div", { class: "row" },
      h("a", { class: "button small", href: "#/providers/" + encodeURIComponent(p.name) }, "Edit"),
      h("button", { type: "button", class: "small", "data-action": "toggle", onclick: toggle }, p.enabled === false ? "Enable" : "Disable"),
      h("button", { type: "button", class: "small danger", onclick: remove }, "Delete"))));
}

function rerender(view) {
  view.replaceChildren();
  render(view, []).catch((e) => view.append(errorBox(e)));
}

function headerRow(item = ["", ""]) {
  const k = h("input", { "aria-label": "Header name", placeholder: "Header-Name", value: item[0] });
  const v = h("input", { "aria-label": "Header value", placeholder: "value or ${NAME}", value: item[1] });
  return { el: h("div", { class: "row" }, k, v), value: () => [k.value.trim(), v.value] };
}

const PRICE_FIELDS = { simple: ["input", "output", "cached", "cache_write", "reasoning"], per_request: ["amount"], openrouter: ["slug", "discount"] };

function modelRow(item = { name: "", settings: {} }) {
  const s = item.settings || {};
  const pricing = s.pricing || null;
  const name = h("input", { name: "model-name", "aria-label": "Model name", placeholder: "model name", value: item.name, required: true });
  const source = h("select", { "aria-label": "Pricing" },
    [["", "no pricing"], ["simple", "simple"], ["per_request", "per request"], ["openrouter", "OpenRouter"], ["tiered", "tiered"]]
      .map(([v, l]) => h("option", { value: v, selected: (pricing ? pricing.source || "simple" : "") === v }, l)));
  const priceInputs = {};
  const priceBox = h("div", { class: "row" });
  const tiers = h("textarea", { rows: 3, cols: 40, "aria-label": "Tiers (JSON)" }, pricing && pricing.tiers ? JSON.stringify(pricing.tiers) : "");
  const drawPrices = () => {
    priceBox.replaceChildren();
    const kind = source.value;
    for (const f of PRICE_FIELDS[kind] || []) {
      priceInputs[f] = priceInputs[f] || h("input", { type: f === "slug" ? "text" : "number", step: "any", min: 0, placeholder: f,
        "aria-label": `${f} price`, value: pricing && pricing[f] !== undefined ? pricing[f] : "" });
      priceBox.append(h("label", { class: "muted" }, f + " ", priceInputs[f]));
    }
    if (kind === "tiered") priceBox.append(h("label", { class: "muted" }, "tiers (JSON) ", tiers));
    if (kind === "simple" || kind === "tiered") priceBox.append(h("span", { class: "muted" }, "USD per million tokens"));
  };
  source.addEventListener("change", drawPrices);
  drawPrices();
  const via = PROTOCOLS.map((p) => h("input", { type: "checkbox", value: p, checked: (s.access_via || []).includes(p), "aria-label": `access via ${p}` }));
  const type = h("select", { "aria-label": "Model type" }, [["chat", "chat"], ["embeddings", "embeddings"]]
    .map(([v, l]) => h("option", { value: v, selected: (s.type || "chat") === v }, l)));
  const value = () => {
    const out = { ...s };
    delete out.pricing;
    delete out.access_via;
    delete out.type;
    if (type.value === "embeddings") out.type = "embeddings";
    const kind = source.value;
    if (kind) {
      const p = kind === "simple" ? {} : { source: kind };
      if (pricing && pricing.source === "simple") p.source = "simple";
      for (const f of PRICE_FIELDS[kind] || []) {
        const v = f === "slug" ? priceInputs[f].value.trim() || undefined : numberOrUndefined(priceInputs[f]);
        if (v !== undefined) p[f] = v;
      }
      if (kind === "tiered") p.tiers = jsonField(tiers.value, `Tiers of ${name.value}`) || [];
      out.pricing = p;
    }
    const chosen = via.filter((c) => c.checked).map((c) => c.value);
    if (chosen.length) out.access_via = chosen;
    return { name: name.value.trim(), settings: out };
  };
  return {
    el: h("div", { class: "row" }, name, type, source, priceBox,
      h("span", { class: "muted" }, "access via:"), PROTOCOLS.map((p, i) => h("label", { class: "muted" }, via[i], " " + p))),
    value,
  };
}

async function renderEditor(view, name) {
  let p = { enabled: true };
  if (name) {
    try {
      p = await api.get("/providers/" + seg(name));
    } catch (e) {
      view.append(errorBox(e, "Could not load provider " + name));
      return;
    }
  }
  const url = p.api_base_url;
  const nameInput = h("input", { id: "provider-name", value: name || "", required: true, readonly: !!name });
  const display = h("input", { id: "provider-display", value: p.display_name || "" });
  const enabled = h("select", { id: "provider-enabled" }, [["true", "enabled"], ["false", "disabled"], ["auto", "auto (when its key is set)"]]
    .map(([v, l]) => h("option", { value: v, selected: String(p.enabled ?? true) === v }, l)));
  const urlMode = h("select", { id: "provider-url-mode" }, [["single", "one URL (protocol inferred from the host)"], ["map", "a URL per protocol"]]
    .map(([v, l]) => h("option", { value: v, selected: (typeof url === "object" && url ? "map" : "single") === v }, l)));
  const single = h("input", { id: "provider-url", type: "text", placeholder: "https://api.example.com/v1 or mock://", value: typeof url === "string" ? url : "" });
  const perProtocol = PROTOCOLS.map((proto) => h("input", { type: "text", name: "url-" + proto, "aria-label": proto + " URL", placeholder: "none", value: url && typeof url === "object" ? url[proto] || "" : "" }));
  const singleBox = field("Base URL", single, "mock:// is the built-in mock upstream");
  const mapBox = h("fieldset", {}, h("legend", {}, "Base URL per protocol"),
    PROTOCOLS.map((proto, i) => field(proto, perProtocol[i])));
  const drawUrl = () => { singleBox.hidden = urlMode.value !== "single"; mapBox.hidden = urlMode.value !== "map"; };
  urlMode.addEventListener("change", drawUrl);
  drawUrl();
  const key = h("input", { id: "provider-key", value: p.api_key || "", placeholder: "${OPENAI_API_KEY}" });
  const timeout = h("input", { id: "provider-timeout", type: "number", min: 1, step: "any", value: p.timeout_seconds ?? "", placeholder: "300" });
  const discount = h("input", { id: "provider-discount", type: "number", min: 0, max: 1, step: "any", value: p.discount ?? "", placeholder: "0" });
  const extra = h("textarea", { id: "provider-extra", rows: 3 }, p.extra_body ? JSON.stringify(p.extra_body, null, 2) : "");
  const headers = rowList({ items: Object.entries(p.headers || {}), make: headerRow, addLabel: "Add header", emptyText: "No extra headers." });
  const models = rowList({
    items: Array.isArray(p.models) ? p.models.map((m) => ({ name: m, settings: {} })) : Object.entries(p.models || {}).map(([m, st]) => ({ name: m, settings: st || {} })),
    make: modelRow, addLabel: "Add model", addId: "add-model", emptyText: "No models listed: the provider accepts any model name.",
  });
  const error = formError();
  const save = h("button", { type: "submit", class: "primary", id: "provider-save" }, name ? "Save" : "Create");
  const form = h("form", { class: "card", id: "provider-form" },
    h("div", { class: "grid2" }, field("Name", nameInput, name ? "names cannot be changed" : "letters, digits, - and _; no /"), field("Display name", display)),
    h("div", { class: "grid2" }, field("Enabled", enabled), field("URL form", urlMode)),
    singleBox, mapBox,
    field("API key", key, "an environment variable reference such as ${OPENAI_API_KEY}; the secret itself is never written to plexus.yaml. **** keeps the current value."),
    h("div", { class: "grid2" }, field("Timeout (seconds)", timeout), field("Discount (0–1)", discount)),
    h("fieldset", {}, h("legend", {}, "Headers"), headers.el),
    h("fieldset", {}, h("legend", {}, "Models"), models.el),
    field("Extra body (JSON object merged into every upstream request)", extra),
    error.el,
    h("div", { class: "row" }, save, h("a", { class: "button", href: "#/providers" }, "Cancel")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.show(null);
    try {
      const { name: _n, ...settings } = p;
      const enabledValue = enabled.value === "auto" ? "auto" : enabled.value === "true";
      let apiBase = single.value.trim();
      if (urlMode.value === "map") {
        apiBase = {};
        PROTOCOLS.forEach((proto, i) => { if (perProtocol[i].value.trim()) apiBase[proto] = perProtocol[i].value.trim(); });
      }
      const modelList = models.values().filter((m) => m.name);
      const plain = modelList.every((m) => !Object.keys(m.settings).length);
      Object.assign(settings, {
        display_name: display.value.trim(), enabled: enabledValue, api_base_url: apiBase, api_key: key.value.trim(),
        timeout_seconds: numberOrUndefined(timeout), discount: numberOrUndefined(discount),
        extra_body: jsonField(extra.value, "Extra body"),
        headers: Object.fromEntries(headers.values().filter(([k]) => k)),
        models: plain ? modelList.map((m) => m.name) : Object.fromEntries(modelList.map((m) => [m.name, m.settings])),
      });
      const body = compactObject(settings);
      if (enabledValue === true && p.enabled === undefined) delete body.enabled;
      const target = nameInput.value.trim();
      if (!target) throw new Error("A name is required.");
      await api.put("/providers/" + seg(target), body);
      toast(`Saved provider ${target}`);
      location.hash = "#/providers";
    } catch (err) {
      error.show(err);
    }
  });
  view.append(h("p", {}, h("a", { href: "#/providers" }, "← Providers")),
    h("div", { class: "page-head" }, h("h1", {}, name ? `Provider ${name}` : "New provider")), form);
  (name ? display : nameInput).focus();
}
