// Config: the whole plexus.yaml in an editor with line numbers; validate, save, and problems shown at their line.
import { api } from "../api.js";
import { h, errorBox, time, toast } from "../dom.js";
import { onLive } from "../live.js";
import { versionsPanel } from "./config-versions.js";

export async function render(view) {
  let text, status;
  try {
    [text, status] = await Promise.all([api.get("/config"), api.get("/config/status")]);
  } catch (e) {
    view.append(errorBox(e, "Could not load the configuration"));
    return;
  }
  const gutter = h("div", { class: "gutter", "aria-hidden": "true" });
  const area = h("textarea", { id: "config-text", spellcheck: "false", autocomplete: "off", "aria-label": "plexus.yaml" });
  area.value = text;
  const editor = h("div", { class: "code-editor" }, gutter, area);
  const message = h("div", { id: "config-message", "aria-live": "polite" });
  const problemsList = h("ul", { class: "problems", id: "config-problems" });
  let bad = new Set();

  const drawGutter = () => {
    const lines = area.value.split("\n").length;
    const frag = document.createDocumentFragment();
    for (let i = 1; i <= lines; i++) frag.append(h("div", { class: bad.has(i) ? "bad" : "" }, i));
    gutter.replaceChildren(frag);
    gutter.scrollTop = area.scrollTop;
  };
  area.addEventListener("input", drawGutter);
  area.addEventListener("scroll", () => { gutter.scrollTop = area.scrollTop; });
  area.addEventListener("keydown", (e) => {
    // Tab indents by two spaces; Escape then Tab leaves the editor (keyboard users are not trapped).
    if (e.key === "Tab" && !e.shiftKey && !area.dataset.escaped) {
      e.preventDefault();
      area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end");
      drawGutter();
    }
    if (e.key === "Escape") area.dataset.escaped = "1"; else if (e.key !== "Tab") delete area.dataset.escaped;
  });

  const goTo = (line) => {
    const lines = area.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((a, l) => a + l.length + 1, 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1] || "").length);
    area.scrollTop = Math.max(0, (line - 5) * 19);
  };

  const showProblems = (problems, heading) => {
    bad = new Set(problems.map((p) => p.line).filter(Boolean));
    problemsList.replaceChildren(...problems.map((p) => h("li", { "data-line": p.line ?? "" },
      p.line ? h("button", { type: "button", class: "small", onclick: () => goTo(p.line) }, `line ${p.line}`) : null,
      p.path ? h("code", {}, p.path + ": ") : null, p.message)));
    message.replaceChildren(problems.length ? h("div", { class: "alert error", role: "alert" }, heading) : "");
    drawGutter();
  };

  const validate = async () => {
    const answer = await api.postText("/config/validate", area.value);
    if (answer.valid) showProblems([], "");
    else showProblems(answer.problems || [], `The file has ${answer.problems.length} problem(s); nothing was saved.`);
    return answer.valid;
  };

  const validateButton = h("button", { type: "button", id: "config-validate", onclick: async () => {
    try {
      if (await validate()) message.replaceChildren(h("div", { class: "alert ok" }, "Valid. Save to apply it."));
    } catch (e) { message.replaceChildren(errorBox(e)); }
  } }, "Validate");
  const saveButton = h("button", { type: "button", class: "primary", id: "config-save", onclick: async () => {
    saveButton.disabled = true;
    try {
      // Validating first keeps a broken file from ever being sent for writing.
      if (!(await validate())) return;
      const answer = await api.putText("/config", area.value);
      message.replaceChildren(h("div", { class: "alert ok" }, `Saved and applied (version ${answer.version.slice(0, 12)}).`));
      toast("Configuration saved");
    } catch (e) {
      if (e.problems && e.problems.length) showProblems(e.problems, e.message);
      else message.replaceChildren(errorBox(e, "Not saved"));
    } finally {
      saveButton.disabled = false;
    }
  } }, "Save");
  const reloadButton = h("button", { type: "button", onclick: async () => {
    try {
      area.value = await api.get("/config");
      showProblems([], "");
      message.replaceChildren(h("div", { class: "alert info" }, "Reloaded from disk; unsaved edits were discarded."));
    } catch (e) { message.replaceChildren(errorBox(e)); }
  } }, "Reload from disk");

  view.append(
    h("div", { class: "page-head" }, h("h1", {}, "Config"), validateButton, saveButton, reloadButton),
    h("div", { class: "alert info" }, "This is the whole ", h("code", {}, status.path || "plexus.yaml"),
      ". Every change made in the dashboard (providers, models, keys, debug capture) is written to this file; comments are not kept when the dashboard writes it. ${NAME} references stay as written."),
    h("p", { class: "muted" }, `Loaded ${time(status.loaded_at)} · version ${status.version.slice(0, 12)}`),
    status.last_error ? h("div", { class: "alert error" }, `The file on disk was refused at ${time(status.last_error.at)}; the previous configuration is still running: ${status.last_error.message}`) : "",
    message, problemsList, editor);
  drawGutter();
  // Versions are kept with PostgreSQL storage only (several instances); a SQLite gateway has none to list.
  if (status.shared_version != null) {
    view.append(await versionsPanel(() => {
      view.replaceChildren();
      render(view);
    }));
  }
  let loaded = text;
  // A hand edit (or another dashboard) changed the file: follow it unless there are unsaved edits here.
  return onLive("config_reloaded", async (event) => {
    if (!event.ok) {
      message.replaceChildren(h("div", { class: "alert error" }, "The file on disk was changed but refused; the previous configuration is still running: " + (event.message || "")));
      return;
    }
    const fresh = await api.get("/config").catch(() => null);
    if (fresh === null || fresh === area.value) { loaded = fresh ?? loaded; return; }
    if (area.value === loaded) {
      area.value = loaded = fresh;
      drawGutter();
      message.replaceChildren(h("div", { class: "alert info" }, "plexus.yaml changed and was reloaded here."));
    } else {
      message.replaceChildren(h("div", { class: "alert info" }, "plexus.yaml changed on disk while you were editing; Reload from disk to see it (your edits would be lost)."));
    }
  });
}
