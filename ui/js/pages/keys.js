// Keys: list with each key's limits and use, create (a generated secret shown once), edit allowed models, expiry and
// limits, regenerate, delete.
import { api, seg } from "../api.js";
import { h, empty, errorBox, field, toast, confirmDialog, dialog, copyButton, time, splitList, num, compact, usd } from "../dom.js";
import { compactObject, formError, numberOrUndefined } from "../forms.js";
import { onLive } from "../live.js";

export async function render(view, args) {
  if (args[0]) return renderEditor(view, args[0] === "new" ? null : args[0]);
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Keys"),
    h("a", { class: "button primary", href: "#/keys/new", id: "new-key" }, "+ New key")));
  const slot = h("div", { id: "keys-list" });
  view.append(slot);
  const cells = new Map(); // key name → its "Limits and use" cell, refreshed in place
  const load = async () => {
    let list, use = null, useError = null;
    try {
      [list, use] = await Promise.all([api.get("/keys").then((r) => r.keys), api.get("/limits").catch((e) => { useError = e; return null; })]);
    } catch (e) {
      slot.replaceChildren(errorBox(e, "Could not load keys"));
      return;
    }
    cells.clear();
    if (!list.length) {
      slot.replaceChildren(empty("No client keys yet: inference requests are refused until you create one."));
      return;
    }
    const rows = list.map((k) => {
      const cell = h("td", { class: "use", "data-field": "use" });
      cells.set(k.name, { el: cell });
      return h("tr", { "data-name": k.name },
        h("td", {}, h("strong", {}, k.name)), h("td", { class: "comment" }, k.comment || ""),
        h("td", {}, (k.allowed_models || []).join(", ") || h("span", { class: "muted" }, "all")),
        cell,
        h("td", {}, k.expires_at ? expiry(k.expires_at) : h("span", { class: "muted" }, "never")),
        h("td", { class: "mono" }, secretLabel(k)),
        h("td", {}, h("div", { class: "row actions" },
          h("a", { class: "button small", href: "#/keys/" + encodeURIComponent(k.name) }, "Edit"),
          h("button", { type: "button", class: "small danger", onclick: () => remove(k.name, load) }, "Delete"))));
    });
    slot.replaceChildren(...(useError ? [errorBox(useError, "Could not load the keys' limits and use")] : []),
      h("div", { class: "table-wrap" }, h("table", { "aria-label": "Keys" },
        h("thead", {}, h("tr", {}, ["Name", "Comment", "Allowed models", "Limits and use", "Expires", "Secret", ""]
          .map((c) => h("th", {}, c)))),
        h("tbody", {}, rows))));
    if (use) fillUse(cells, use);
  };
  const refresh = async () => {
    if (!cells.size) return;
    try {
      fillUse(cells, await api.get("/limits"));
    } catch { /* the next refresh tries again; the figures on screen stay */ }
  };
  await load();
  // This minute's counts slide and requests change them: refresh after activity, and every 10 s.
  let pending = null;
  const soon = () => { if (!pending) pending = setTimeout(() => { pending = null; refresh(); }, 1000); };
  const ticker = setInterval(refresh, 10000);
  const offs = [onLive("request_started", soon), onLive("request_finished", soon), onLive("config_reloaded", () => load())];
  return () => { clearInterval(ticker); clearTimeout(pending); offs.forEach((off) => off()); };
}

/** Fills each key's "Limits and use" cell from a `GET /limits` answer. */
function fillUse(cells, use) {
  for (const u of use.keys || []) {
    const c = cells.get(u.name);
    const signature = JSON.stringify(u);
    if (!c || c.shown === signature) continue; // unchanged: the elements stay (no flicker, hover kept)
    c.shown = signature;
    c.el.replaceChildren(...limitLines(u), ...spendLines(u));
  }
}

/** Requests and tokens of the last 60 s and requests in flight against the key's limits; "no limits" without any. */
function limitLines(u) {
  const l = u.limits;
  if (!l) return [h("div", { class: "muted", "data-field": "no-limits" }, "no limits")];
  const lines = [
    ["requests", "Requests/min", u.requests_this_minute, l.requests_per_minute, num],
    ["tokens", "Tokens/min", u.tokens_this_minute, l.tokens_per_minute, compact],
    ["concurrent", "In flight", u.concurrent_requests, l.concurrent_requests, num],
  ].filter(([, , , limit]) => limit !== undefined && limit !== null)
    .map(([fieldName, label, used, limit, format]) => useLine(fieldName, label, used || 0, limit, `${format(used || 0)} / ${format(limit)}`));
  return lines;
}

/** Today's spend (every key) and, for a budget, the period's spend against it with a bar. */
function spendLines(u) {
  const out = [h("div", { class: "use-line", "data-field": "today", "data-usd": String(u.today_spend_usd ?? 0) },
    h("span", { class: "use-label", title: "since 00:00 UTC" }, "Spend today"), h("span", { class: "meter-gap" }),
    h("span", { class: "use-amount" }, usd(u.today_spend_usd ?? 0)))];
  const todayUnpriced = u.today_unpriced_requests || 0;
  if (todayUnpriced > 0) out.push(unpricedNote("today-unpriced", todayUnpriced, "today"));
  const b = u.budget;
  if (b) {
    out.push(useLine("budget", `Budget (${b.period})`, b.spent_usd, b.usd, `${usd(b.spent_usd)} of ${budgetUSD(b.usd)}`,
      { "data-period": b.period, "data-usd": String(b.spent_usd), "data-remaining": String(b.remaining_usd),
        title: `${time(b.period_start)} – ${time(b.period_end)}: ${usd(b.remaining_usd)} left` }));
    const unpriced = b.unpriced_requests || 0;
    // A daily budget's period is today: its count is the line above, not said twice.
    if (unpriced > 0 && !(b.period === "day" && unpriced === todayUnpriced)) {
      out.push(unpricedNote("budget-unpriced", unpriced, "this " + b.period));
    }
  }
  return out;
}

/** One "label [bar] used / limit" line; the bar turns amber at 80% and red when the limit is reached. */
function useLine(fieldName, label, used, limit, text, attrs = {}) {
  const share = limit > 0 ? used / limit : 1;
  const kind = share >= 1 ? "bad" : share >= 0.8 ? "warn" : "";
  return h("div", { class: "use-line", "data-field": fieldName, "data-used": String(used), "data-limit": String(limit), ...attrs },
    h("span", { class: "use-label" }, label),
    h("progress", { class: "meter " + kind, max: 1, value: Math.min(1, share), "aria-label": `${label}: ${text}` }),
    h("span", { class: "use-amount" }, text));
}

/** A budget as written: "$50", "$2.50". */
const budgetUSD = (n) => "$" + (Number.isInteger(n) ? String(n) : Math.abs(n) >= 0.01 ? n.toFixed(2) : n.toFixed(6).replace(/0+$/, ""));

function unpricedNote(fieldName, count, when) {
  return h("div", { class: "use-note", "data-field": fieldName, "data-count": String(count) },
    `${num(count)} request${count === 1 ? "" : "s"} with unknown cost ${when} counted as $0`);
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

async function remove(name, reload) {
  if (!(await confirmDialog(`Delete key ${name}?`, "Clients using it are refused from now on."))) return;
  try {
    await api.del("/keys/" + seg(name));
    toast(`Deleted ${name}`);
  } catch (e) {
    toast(e.message, "error");
  }
  await reload();
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
  const limits = limitsFields(k.limits || {});
  const error = formError();
  const collect = () => {
    const { name: _n, secret: _s, secret_sha256: _h, ...settings } = k;
    const chosen = [...document.querySelectorAll("input[name=allowed]:checked")].map((c) => c.value).concat(splitList(others.value));
    Object.assign(settings, { comment: comment.value.trim(), allowed_models: chosen,
      expires_at: expires.value ? new Date(expires.value).toISOString() : undefined, limits: limits.value() });
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
    limits.el,
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

/**
 * The "Limits" fieldset: requests and tokens per minute, concurrent requests, a budget in USD per period.
 * `value()` is the `limits` object with the filled fields only, or undefined when none is filled (no limits).
 */
function limitsFields(l) {
  const b = l.budget || {};
  const count = (id, value, placeholder) => h("input", { id, type: "number", min: 1, step: 1, inputmode: "numeric",
    value: value ?? "", placeholder });
  const rpm = count("key-rpm", l.requests_per_minute, "no limit");
  const tpm = count("key-tpm", l.tokens_per_minute, "no limit");
  const concurrent = count("key-concurrent", l.concurrent_requests, "no limit");
  const budget = h("input", { id: "key-budget-usd", type: "number", min: 0, step: "any", value: b.usd ?? "", placeholder: "no budget" });
  const period = h("select", { id: "key-budget-period" },
    ["day", "week", "month"].map((p) => h("option", { value: p, selected: p === (b.period || "month") }, p)));
  const el = h("fieldset", { id: "key-limits" }, h("legend", {}, "Limits (empty: none)"),
    h("div", { class: "grid3" },
      field("Requests per minute", rpm, "admitted in any 60 s"),
      field("Tokens per minute", tpm, "of requests finished in any 60 s"),
      field("Concurrent requests", concurrent, "in flight at once")),
    h("div", { class: "grid3" },
      field("Budget (USD)", budget, "0 blocks the key"),
      field("Per", period, "calendar period in UTC; weeks start on Monday")),
    h("p", { class: "hint" }, "Over a limit, clients get 429 with Retry-After. Spend is the usage log's cost; a request "
      + "to a target without pricing counts $0 (the Keys list says how many there were)."));
  const value = () => {
    const amount = numberOrUndefined(budget);
    const out = compactObject({
      requests_per_minute: numberOrUndefined(rpm), tokens_per_minute: numberOrUndefined(tpm),
      concurrent_requests: numberOrUndefined(concurrent),
      budget: amount === undefined ? undefined : { usd: amount, period: period.value },
    });
    return Object.keys(out).length ? out : undefined;
  };
  return { el, value };
}
