// Form pieces shared by the entity editors: editable rows (add, remove, reorder) and value readers.
import { h } from "./dom.js";

/**
 * An editable list of rows. `make(item)` returns {el, value()} for one row; rows can be added, removed, reordered.
 * Returns {el, values(), add(item)}.
 */
export function rowList({ items = [], make, addLabel = "Add", addId, rowClass = "", reorder = false, emptyText = "None yet." }) {
  const list = h("div", { class: "editor-rows" });
  const rows = [];
  const note = h("p", { class: "muted" }, emptyText);
  const refresh = () => {
    note.hidden = rows.length > 0;
    rows.forEach((r, i) => {
      if (r.up) r.up.disabled = i === 0;
      if (r.down) r.down.disabled = i === rows.length - 1;
    });
  };
  const add = (item) => {
    const made = make(item);
    const row = { made };
    const remove = h("button", { type: "button", class: "small danger", "aria-label": "Remove", title: "Remove", onclick: () => {
      rows.splice(rows.indexOf(row), 1);
      row.el.remove();
      refresh();
    } }, "✕");
    const move = (delta) => {
      const i = rows.indexOf(row), j = i + delta;
      if (j < 0 || j >= rows.length) return;
      rows.splice(i, 1);
      rows.splice(j, 0, row);
      if (delta < 0) rows[j + 1].el.before(row.el); else rows[j - 1].el.after(row.el);
      refresh();
      (delta < 0 ? row.up : row.down).focus();
    };
    if (reorder) {
      row.up = h("button", { type: "button", class: "small", "aria-label": "Move up", title: "Move up", onclick: () => move(-1) }, "↑");
      row.down = h("button", { type: "button", class: "small", "aria-label": "Move down", title: "Move down", onclick: () => move(1) }, "↓");
    }
    row.el = h("div", { class: "editor-row " + rowClass }, made.el, reorder ? [row.up, row.down] : null, remove);
    rows.push(row);
    list.append(row.el);
    refresh();
    return row;
  };
  items.forEach(add);
  refresh();
  const addButton = h("button", { type: "button", class: "small", id: addId, onclick: () => {
    const row = add(undefined);
    const first = row.el.querySelector("input, select");
    if (first) first.focus();
  } }, "+ " + addLabel);
  return { el: h("div", {}, note, list, addButton), values: () => rows.map((r) => r.made.value()), add };
}

/** A number input's value, or undefined when empty. */
export function numberOrUndefined(input) {
  const v = input.value.trim();
  return v === "" ? undefined : Number(v);
}

/** Parses JSON text for an object field; empty text is undefined. Throws a readable error. */
export function jsonField(text, label) {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${label} is not valid JSON: ${e.message}`);
  }
}

/** Copies `from`, drops the keys whose value is undefined, null, "" or an empty list/map. */
export function compactObject(from) {
  const out = {};
  for (const [k, v] of Object.entries(from)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v) && !v.length) continue;
    if (typeof v === "object" && !Array.isArray(v) && !Object.keys(v).length) continue;
    out[k] = v;
  }
  return out;
}

/** A form's error line, filled by `show(err)` and cleared by `show(null)`. */
export function formError() {
  const el = h("div", { role: "alert" });
  return {
    el,
    show(err) {
      el.replaceChildren();
      if (!err) return;
      el.append(h("div", { class: "alert error" }, err.message || String(err),
        err.problems && err.problems.length ? h("ul", {}, err.problems.map((p) => h("li", {}, `${p.path ? p.path + ": " : ""}${p.message}`))) : null));
      el.scrollIntoView({ block: "nearest" });
    },
  };
}
