/**
 * The only part of the extension that reaches the network or reads the API key: one call
 * helper that turns every failure into one error object a page can show, the two
 * messages that call the API (annotate a page's orders, test the connection), and the read
 * of the server's watched orders (watched.js).
 */
import "../common/vocabulary.js";
import "../common/constants.js";
import { loadSettings } from "./settings.js";
import { learn } from "./todo-store.js";
import { checkAlerts } from "./notifications.js";

const { enabledFamilies, apiBaseProblem } = self.JDPG;
const VOCAB = self.JDPG_VOCAB;

const REQUEST_TIMEOUT_MS = 15 * 1000;
/** Watched orders read at most (the to-do list keeps 2,000 orders in all). */
const WATCHED_MAX = 1000;

/** Counters for tests and the popup: how often the API was actually called. */
export const stats = {
  annotateCalls: 0,
  ordersSent: 0,
  lastError: null,
  lastApiMs: null,
  lastPayload: null,
};
self.jdpgStats = stats;

/** One error object in both languages from a vocabulary entry and its values. */
export function apiError(code, words, values, extra) {
  return Object.assign(
    {
      code,
      message: VOCAB.fill(words.zh, values || {}),
      message_en: VOCAB.fill(words.en, values || {}),
    },
    extra || {},
  );
}

/**
 * Calls the API and turns every failure into one error object the page can show.
 * @param {{apiBase: string, apiKey: string}} target where to, with which key
 * @param {string} path e.g. "/api/v1/orders/annotate"
 * @param {RequestInit} init
 * @return {Promise<{ok: boolean, data?: any, error?: any, campaigns?: Object<string, {zh: string, en: string}>}>}
 */
async function callApi(target, path, init) {
  const ui = VOCAB.ui;
  const base = target.apiBase;
  const problem = apiBaseProblem(base);
  if (problem) {
    return {
      ok: false,
      error: apiError(
        problem,
        problem === "not_https" ? ui.api_not_https : ui.api_bad_url,
        { base },
      ),
    };
  }
  const origin = new URL(base).origin;
  const headers = Object.assign(
    { Accept: "application/json" },
    init.headers || {},
  );
  if (target.apiKey) headers["X-API-Key"] = target.apiKey;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(
      base + path,
      Object.assign({}, init, {
        headers,
        signal: controller.signal,
        credentials: "omit",
      }),
    );
  } catch (e) {
    const granted = await chrome.permissions
      .contains({ origins: [`${origin}/*`] })
      .catch(() => true);
    if (!granted)
      return {
        ok: false,
        error: apiError("permission", ui.api_permission, { origin }),
      };
    return {
      ok: false,
      error: apiError(
        "unreachable",
        ui.api_unreachable,
        { base },
        { detail: String(e && e.message) },
      ),
    };
  } finally {
    clearTimeout(timer);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  const status = response.status;
  if (status === 401 || status === 403)
    return {
      ok: false,
      error: apiError("auth", ui.api_auth, { status }, { status }),
    };
  if (status === 429)
    return {
      ok: false,
      error: apiError("rate_limited", ui.api_rate_limited, {}, { status }),
    };
  if (!response.ok || body === null) {
    const detail =
      body && body.error ? body.error.message || body.error.code : "";
    return {
      ok: false,
      error: apiError(
        "http",
        ui.api_http,
        { status, detail: detail ? `: ${detail}` : "" },
        { status },
      ),
    };
  }
  return { ok: true, data: body };
}

/**
 * The campaign titles the API knows (GET /api/v1/vocabulary, `values.campaign`): a campaign
 * added on the server (JDPG_CAMPAIGN_DIR) is named by its title, not its id. Asked once per
 * address; null when they could not be read (the built-in titles then stay).
 */
const campaignTitles = new Map();
async function campaignTitlesOf(settings) {
  const known = campaignTitles.get(settings.apiBase);
  if (known) return known;
  const reply = await callApi(settings, "/api/v1/vocabulary", { method: "GET" });
  const titles =
    reply.ok && reply.data && reply.data.values && reply.data.values.campaign;
  if (!titles || typeof titles !== "object") return null;
  campaignTitles.set(settings.apiBase, titles);
  return titles;
}

/**
 * ANNOTATE_ORDERS: {orders: [...]} → the API's {as_of, results, summary} and the campaign
 * titles (`campaigns`) the page names campaigns by; the list learns the results.
 */
export async function annotateOrders(message, sender) {
  if (!Array.isArray(message.orders))
    throw new Error("orders must be an array");
  const settings = await loadSettings();
  // Lean results: the same facts, their words as codes the page renders from the vocabulary.
  const options = {
    families: enabledFamilies(settings.families),
    detail: "lean",
  };
  // Only a threshold the merchant chose: otherwise the API's JDPG_AT_RISK_HOURS applies.
  if (settings.atRiskHours != null)
    options.at_risk_hours = settings.atRiskHours;
  const payload = { orders: message.orders, options };
  if (settings.asOf) payload.as_of = settings.asOf;
  stats.annotateCalls += 1;
  stats.ordersSent += message.orders.length;
  stats.lastPayload = { options, as_of: payload.as_of || null };
  const started = performance.now();
  const reply = await callApi(settings, "/api/v1/orders/annotate", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });
  stats.lastApiMs = Math.round(performance.now() - started);
  stats.lastError = reply.ok ? null : reply.error.code;
  if (reply.ok) reply.campaigns = await campaignTitlesOf(settings);
  // The list learns in the background: the page gets its badges without waiting for it.
  if (reply.ok && Array.isArray(reply.data.results))
    learn(message.orders, reply.data.results, sender.url, settings)
      .then(checkAlerts)
      .catch(() => {});
  return reply;
}

/** The server's watched open orders (GET /api/v1/watch/orders): {watching, orders, …} or an error. */
export async function fetchWatched(settings) {
  return callApi(settings, `/api/v1/watch/orders?limit=${WATCHED_MAX}`, {
    method: "GET",
  });
}

/**
 * TEST_CONNECTION: {apiBase?, apiKey?} from the options form (unsaved values) or nothing
 * (the popup: the saved ones) → GET /healthz, then GET /api/v1/rules for the key. The saved
 * key only ever goes to the saved address.
 */
export async function testConnection(message) {
  const saved = await loadSettings();
  const given = typeof message.apiBase === "string" && message.apiBase.trim();
  const apiBase = given
    ? message.apiBase.trim().replace(/\/+$/, "")
    : saved.apiBase;
  const formKey =
    typeof message.apiKey === "string" ? message.apiKey.trim() : null;
  const apiKey =
    apiBase === saved.apiBase
      ? formKey != null
        ? formKey
        : saved.apiKey
      : formKey || "";
  const started = Date.now();
  let reply = await callApi({ apiBase, apiKey }, "/healthz", {
    method: "GET",
  });
  // /healthz answers anyone: a call the key must open says whether the key is right.
  if (reply.ok)
    reply = await callApi({ apiBase, apiKey }, "/api/v1/rules", {
      method: "GET",
    });
  return {
    ok: reply.ok,
    error: reply.error,
    ms: Date.now() - started,
    apiBase,
  };
}
