// Config versions (several instances on PostgreSQL): the stored versions, newest first; view one, restore one.
import { api } from "../api.js";
import { h, errorBox, time, toast, confirmDialog } from "../dom.js";

/** The versions panel (PostgreSQL storage: the config page asks only when `/config/status` has a shared version). */
export async function versionsPanel(onRestored) {
  let answer;
  try {
    answer = await api.get("/config/versions?limit=20");
  } catch (e) {
    return errorBox(e, "Could not load the config versions");
  }
  const preview = h("pre", { class: "json", id: "config-version-text", hidden: true });
  const rows = answer.versions.map((v) => h("tr", { "data-version": v.version },
    h("td", {}, h("strong", {}, String(v.version)), v.version === answer.installed ? h("span", { class: "badge ok" }, " running") : ""),
    h("td", {}, time(v.created_at)), h("td", {}, v.source), h("td", { class: "mono" }, v.instance),
    h("td", { class: "mono" }, v.sha256.slice(0, 12)),
    h("td", {}, h("div", { class: "row" },
      h("button", { type: "button", class: "small", onclick: async () => {
        try {
          preview.textContent = await api.get(`/config/versions/${v.version}`);
          preview.hidden = false;
        } catch (e) { toast(e.message, "error"); }
      } }, "View"),
      v.version === answer.installed ? "" : h("button", { type: "button", class: "small", "data-restore": v.version,
        onclick: async () => {
          if (!(await confirmDialog(`Restore version ${v.version}?`, "It becomes the newest version, applied on every instance.", "Restore"))) return;
          try {
            const done = await api.post(`/config/versions/${v.version}/restore`, {});
            toast(`Version ${v.version} restored as version ${done.shared_version}`);
            onRestored();
          } catch (e) { toast(e.message, "error"); }
        } }, "Restore")))));
  return h("section", { class: "card", id: "config-versions" },
    h("h2", {}, "Versions"),
    h("p", { class: "muted" }, "Every change is stored in the database as a new version and applied by every instance."),
    h("div", { class: "table-wrap" }, h("table", { "aria-label": "Config versions" },
      h("thead", {}, h("tr", {}, ["Version", "Stored", "Source", "Instance", "SHA-256", ""].map((c) => h("th", {}, c)))),
      h("tbody", {}, rows))),
    preview);
}
