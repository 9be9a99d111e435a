// The live event stream (GET /v0/management/events, SSE), shared by every page.
const names = ["request_started", "request_finished", "cooldown_set", "cooldown_cleared", "config_reloaded"];
const listeners = new Map(names.map((n) => [n, new Set()]));
const statusListeners = new Set();
let source = null;
let connected = false;

function setConnected(value) {
  connected = value;
  for (const fn of statusListeners) fn(value);
}

/** Opens the stream (once); EventSource reconnects by itself after a drop. */
export function startLive() {
  if (source) return;
  source = new EventSource("/v0/management/events");
  source.onopen = () => setConnected(true);
  source.onerror = () => setConnected(source && source.readyState === EventSource.OPEN);
  for (const name of names) {
    source.addEventListener(name, (e) => {
      let data = null;
      try { data = JSON.parse(e.data); } catch { return; }
      for (const fn of listeners.get(name)) fn(data);
    });
  }
}

/** Closes the stream (before logging out, so no unauthenticated reconnects happen). */
export function stopLive() {
  if (source) source.close();
  source = null;
  setConnected(false);
}

/** Subscribes to one event name; returns the unsubscribe function. */
export function onLive(name, fn) {
  listeners.get(name).add(fn);
  return () => listeners.get(name).delete(fn);
}

/** Subscribes to the connection state. */
export function onLiveStatus(fn) {
  statusListeners.add(fn);
  fn(connected);
  return () => statusListeners.delete(fn);
}

/** Requests started but not finished since the stream opened, by id (the in-flight view). */
export const inflight = new Map();
onLive("request_started", (d) => inflight.set(d.request_id, d));
onLive("request_finished", (d) => inflight.delete(d.request_id));

/** Rows of requests that finished since the stream opened (newest last), so details open before the store has them. */
export const recent = new Map();
onLive("request_finished", (d) => {
  recent.set(d.request_id, d);
  if (recent.size > 500) recent.delete(recent.keys().next().value);
});

/** Resolves with the row of `id` once it finishes (or null after `timeoutMs`). */
export function whenFinished(id, timeoutMs) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { off(); resolve(null); }, timeoutMs);
    const off = onLive("request_finished", (d) => {
      if (d.request_id !== id) return;
      clearTimeout(timer);
      off();
      resolve(d);
    });
  });
}
