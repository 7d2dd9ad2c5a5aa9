/**
 * The service worker: the only part that talks to the network. One message router keyed
 * on JDPG.MSG; an unknown message throws. Settings come from chrome.storage.local.
 */
importScripts("../common/constants.js");

const { MSG, normalizeSettings } = self.JDPG;

const REQUEST_TIMEOUT_MS = 15 * 1000;

/** Counters for tests and the popup: how often the API was actually called. */
self.jdpgStats = {
  annotateCalls: 0,
  ordersSent: 0,
  lastError: null,
  lastApiMs: null,
};

let settingsCache = null;
let settingsGeneration = 0;

chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== "local") return;
  settingsGeneration += 1;
  settingsCache = null;
});

/** Settings, read from storage once and kept until they change (one read less per request). */
async function loadSettings_() {
  if (settingsCache) return settingsCache;
  const generation = settingsGeneration;
  const settings = normalizeSettings(await chrome.storage.local.get(null));
  if (generation === settingsGeneration) settingsCache = settings;
  return settings;
}

function apiError_(code, message, messageEn, extra) {
  return Object.assign({ code, message, message_en: messageEn }, extra || {});
}

/**
 * Calls the API and turns every failure into one error object the page can show.
 * @param {Object<string, any>} settings
 * @param {string} path e.g. "/api/v1/orders/annotate"
 * @param {RequestInit} init
 * @return {Promise<{ok: boolean, data?: any, error?: any}>}
 */
async function callApi_(settings, path, init) {
  const base = settings.apiBase;
  let origin;
  try {
    origin = new URL(base).origin;
  } catch (e) {
    return {
      ok: false,
      error: apiError_(
        "bad_url",
        `API 地址无效：${base}`,
        `The API address is not a URL: ${base}`,
      ),
    };
  }
  const headers = Object.assign(
    { Accept: "application/json" },
    init.headers || {},
  );
  if (settings.apiKey) headers["X-API-Key"] = settings.apiKey;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(
      base + path,
      Object.assign({}, init, { headers, signal: controller.signal }),
    );
  } catch (e) {
    const granted = await chrome.permissions
      .contains({ origins: [`${origin}/*`] })
      .catch(() => true);
    if (!granted) {
      return {
        ok: false,
        error: apiError_(
          "permission",
          `未授权访问 ${origin}：请在设置页保存该地址并允许访问。`,
          `No permission to reach ${origin}: save the address in Options and allow access.`,
        ),
      };
    }
    return {
      ok: false,
      error: apiError_(
        "unreachable",
        `无法连接 JD Promo Guard 服务（${base}）：请确认服务已启动，或在设置页修改地址。`,
        `Cannot reach the JD Promo Guard API at ${base}: start it or change the address in Options.`,
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
  if (response.status === 401 || response.status === 403) {
    return {
      ok: false,
      error: apiError_(
        "auth",
        "API 密钥缺失或错误（401）：请在设置页填写正确的密钥。",
        "The API key is missing or wrong (401): set it in Options.",
        { status: response.status },
      ),
    };
  }
  if (response.status === 429) {
    return {
      ok: false,
      error: apiError_(
        "rate_limited",
        "请求过于频繁，请稍后再试（429）。",
        "Too many requests; try again shortly (429).",
        {
          status: 429,
        },
      ),
    };
  }
  if (!response.ok || body === null) {
    const detail =
      body && body.error ? body.error.message || body.error.code : "";
    return {
      ok: false,
      error: apiError_(
        "http",
        `服务返回错误 ${response.status}${detail ? "：" + detail : ""}`,
        `The API answered ${response.status}${detail ? ": " + detail : ""}`,
        { status: response.status },
      ),
    };
  }
  return { ok: true, data: body };
}

/** ANNOTATE_ORDERS: {orders: [...]} → the API's {as_of, results, summary}. */
async function annotateOrders_(message) {
  if (!Array.isArray(message.orders))
    throw new Error("orders must be an array");
  const settings = await loadSettings_();
  const payload = {
    orders: message.orders,
    options: { at_risk_hours: settings.atRiskHours },
  };
  if (settings.asOf) payload.as_of = settings.asOf;
  self.jdpgStats.annotateCalls += 1;
  self.jdpgStats.ordersSent += message.orders.length;
  const started = performance.now();
  const reply = await callApi_(settings, "/api/v1/orders/annotate", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });
  self.jdpgStats.lastApiMs = Math.round(performance.now() - started);
  self.jdpgStats.lastError = reply.ok ? null : reply.error.code;
  return reply;
}

/** TEST_CONNECTION: {apiBase?, apiKey?} (unsaved form values) → GET /healthz. */
async function testConnection_(message) {
  const saved = await loadSettings_();
  const settings = normalizeSettings(
    Object.assign({}, saved, {
      apiBase: message.apiBase || saved.apiBase,
      apiKey: message.apiKey != null ? message.apiKey : saved.apiKey,
    }),
  );
  const started = Date.now();
  const reply = await callApi_(settings, "/healthz", { method: "GET" });
  return Object.assign(reply, {
    ms: Date.now() - started,
    apiBase: settings.apiBase,
  });
}

/** PAGE_SUMMARY from a content script: kept per tab for the popup, late count on the icon. */
async function pageSummary_(message, sender) {
  const tabId = sender.tab && sender.tab.id;
  if (tabId == null) throw new Error("PAGE_SUMMARY must come from a tab");
  const entry = {
    summary: message.summary,
    error: message.error || null,
    url: message.url,
    at: Date.now(),
  };
  await chrome.storage.session.set({ [`tab:${tabId}`]: entry });
  const late = message.summary ? message.summary.late : 0;
  await chrome.action.setBadgeText({ tabId, text: late ? String(late) : "" });
  await chrome.action.setBadgeBackgroundColor({ tabId, color: "#b3261e" });
  return { ok: true };
}

/** GET_TAB_SUMMARY: {tabId} → what that tab's content script last reported, or null. */
async function getTabSummary_(message) {
  const key = `tab:${message.tabId}`;
  const stored = await chrome.storage.session.get(key);
  return { ok: true, data: stored[key] || null };
}

const HANDLERS = {
  [MSG.ANNOTATE_ORDERS]: annotateOrders_,
  [MSG.TEST_CONNECTION]: testConnection_,
  [MSG.PAGE_SUMMARY]: pageSummary_,
  [MSG.GET_TAB_SUMMARY]: getTabSummary_,
};

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const handler = HANDLERS[message && message.type];
  if (!handler)
    throw new Error(
      `JD Promo Guard: unknown message ${JSON.stringify(message && message.type)}`,
    );
  handler(message, sender).then(sendResponse, (e) =>
    sendResponse({
      ok: false,
      error: apiError_(
        "internal",
        `扩展内部错误：${e.message}`,
        `Extension error: ${e.message}`,
      ),
    }),
  );
  return true;
});

chrome.tabs.onRemoved.addListener((tabId) => {
  chrome.storage.session.remove(`tab:${tabId}`);
});
