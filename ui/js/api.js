// The management API client: same-origin fetch with the session cookie (the browser sends Origin on changes).
const BASE = "/v0/management";

/** An error answer of the API: HTTP status, code, message and, for invalid_config, problems with lines. */
export class ApiError extends Error {
  constructor(status, code, message, problems = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.problems = problems;
  }
}

async function request(url, { method = "GET", json, text, raw = false } = {}) {
  const init = { method, credentials: "same-origin", headers: {} };
  if (json !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (text !== undefined) {
    init.headers["content-type"] = "application/yaml";
    init.body = text;
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new ApiError(0, "network", "The gateway cannot be reached. Is it running?");
  }
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    const err = (body && body.error) || {};
    const e = new ApiError(response.status, err.code || "http_" + response.status,
      err.message || `${method} ${url} failed with HTTP ${response.status}`, err.problems || []);
    if (response.status === 401) window.dispatchEvent(new CustomEvent("plexus:unauthorized"));
    throw e;
  }
  return raw ? { body, response } : body;
}

/** Calls `/v0/management` + path. */
export const api = {
  get: (path) => request(BASE + path),
  put: (path, json) => request(BASE + path, { method: "PUT", json }),
  patch: (path, json) => request(BASE + path, { method: "PATCH", json }),
  post: (path, json) => request(BASE + path, { method: "POST", json }),
  del: (path) => request(BASE + path, { method: "DELETE" }),
  putText: (path, text) => request(BASE + path, { method: "PUT", text }),
  postText: (path, text) => request(BASE + path, { method: "POST", text }),
};

/** Session login/logout (`/v0/auth`). */
export const auth = {
  async session() {
    const s = await request("/v0/auth/session");
    return !!(s && s.authenticated);
  },
  login: (key) => request("/v0/auth/login", { method: "POST", json: { admin_key: key } }),
  logout: () => request("/v0/auth/logout", { method: "POST", json: {} }),
};

/** `?a=b&…` from an object, skipping empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? "?" + s : "";
}

/**
 * A path segment, escaped. Characters that are legal in a path segment (`:`, `=`, `@`, `+`, `,`, `;`, `!`, `$`, `*`)
 * stay as they are: model names such as `mock:fail=503` must reach the router unchanged.
 */
export const seg = (s) => encodeURIComponent(s).replace(/%(3A|3D|40|2B|2C|3B|21|24|2A)/gi, (m) => decodeURIComponent(m));
