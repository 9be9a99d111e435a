// Dashboard shell: session check, login/logout, hash routing between pages, live status.
import { auth } from "./api.js";
import { clear, errorBox } from "./dom.js";
import { onLiveStatus, startLive, stopLive } from "./live.js";
import * as overview from "./pages/overview.js";
import * as logs from "./pages/logs.js";
import * as debug from "./pages/debug.js";
import * as providers from "./pages/providers.js";
import * as models from "./pages/models.js";
import * as keys from "./pages/keys.js";
import * as config from "./pages/config.js";
import * as performance from "./pages/performance.js";
import * as usage from "./pages/usage.js";

const pages = { overview, logs, debug, providers, models, keys, config, performance, usage };
const $ = (id) => document.getElementById(id);
let cleanup = null;
let renderToken = 0;

function showLogin(message) {
  stopLive();
  if (cleanup) { cleanup(); cleanup = null; }
  $("boot").hidden = true;
  $("shell").hidden = true;
  $("login").hidden = false;
  const err = $("login-error");
  err.hidden = !message;
  err.textContent = message || "";
  $("admin-key").focus();
}

function showShell() {
  $("boot").hidden = true;
  $("login").hidden = true;
  $("shell").hidden = false;
  startLive();
  route();
}

/** Renders the page named by the hash: `#/page/arg…`. */
async function route() {
  if ($("shell").hidden) return;
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const name = pages[parts[0]] ? parts[0] : "overview";
  for (const a of document.querySelectorAll("#nav a")) {
    a.classList.toggle("active", a.dataset.page === name);
    if (a.dataset.page === name) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  $("nav").classList.remove("open");
  $("nav-toggle").setAttribute("aria-expanded", "false");
  if (cleanup) { cleanup(); cleanup = null; }
  const view = clear($("view"));
  view.dataset.page = name;
  const token = ++renderToken;
  try {
    const c = await pages[name].render(view, parts.slice(1));
    if (token === renderToken) cleanup = typeof c === "function" ? c : null;
    else if (typeof c === "function") c();
  } catch (e) {
    if (token === renderToken) view.append(errorBox(e, "This page could not be loaded"));
  }
}

async function boot() {
  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = $("login-submit");
    button.disabled = true;
    try {
      await auth.login($("admin-key").value);
      $("admin-key").value = "";
      showShell();
    } catch (err) {
      showLogin(err.status === 401 ? "That admin key is not right." : err.message);
    } finally {
      button.disabled = false;
    }
  });
  $("logout").addEventListener("click", async () => {
    stopLive();
    try { await auth.logout(); } catch { /* the cookie is gone either way */ }
    showLogin("Signed out.");
  });
  $("nav-toggle").addEventListener("click", () => {
    const open = $("nav").classList.toggle("open");
    $("nav-toggle").setAttribute("aria-expanded", String(open));
  });
  window.addEventListener("hashchange", route);
  window.addEventListener("plexus:unauthorized", () => showLogin("Your session has ended; sign in again."));
  onLiveStatus((up) => {
    const el = $("live-status");
    el.classList.toggle("off", !up);
    el.textContent = up ? "● live" : "○ offline";
  });
  let authenticated = false;
  try {
    authenticated = await auth.session();
  } catch (e) {
    $("boot").textContent = e.message;
    return;
  }
  if (authenticated) showShell(); else showLogin();
}

boot();
