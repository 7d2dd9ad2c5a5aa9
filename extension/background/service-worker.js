/**
 * The service worker: the only part that talks to the network and reads the API key. One
 * message router keyed on JDPG.MSG that checks who sent each message; an unknown message
 * throws. It keeps the triage list (common/triage.js) from the results it fetched, and turns
 * it into alerts on a chrome.alarms tick and a count on the toolbar icon.
 */
importScripts(
  "../common/vocabulary.js",
  "../common/money.js",
  "../common/constants.js",
  "../common/triage.js",
);

const {
  MSG,
  SENDERS,
  SETTINGS_CHANGED,
  DEFAULT_SETTINGS,
  SERVER_DEFAULT_AT_RISK_HOURS,
  normalizeSettings,
  enabledFamilies,
  apiBaseProblem,
  senderAllowed,
} = self.JDPG;
const VOCAB = self.JDPG_VOCAB;
const Triage = self.JdpgTriage;

const REQUEST_TIMEOUT_MS = 15 * 1000;
const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS);
/** Settings whose change makes every open list ask the API again. */
const API_KEYS = [
  "apiBase",
  "apiKey",
  "atRiskHours",
  "asOf",
  "platform",
  "families",
];
const TRIAGE_KEY = "triage";
const ALARM = "jdpg-triage";
const ALARM_MINUTES = 1;

/** Counters for tests and the popup: how often the API was actually called. */
self.jdpgStats = {
  annotateCalls: 0,
  ordersSent: 0,
  lastError: null,
  lastApiMs: null,
  lastPayload: null,
};

let settingsCache = null;
let settingsGeneration = 0;

// Content scripts get their settings from here, never from storage (which holds the key);
// where Chrome can close local storage to them (newer versions), it is closed.
Promise.resolve()
  .then(() =>
    chrome.storage.local.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" }),
  )
  .catch(() => {});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== "local") return;
  const keys = Object.keys(changes).filter((k) => SETTING_KEYS.includes(k));
  if (!keys.length) return;
  settingsGeneration += 1;
  settingsCache = null;
  broadcastSettings_(keys.some((k) => API_KEYS.includes(k)));
});

/** Settings, read from storage once and kept until they change (one read less per request). */
async function loadSettings_() {
  if (settingsCache) return settingsCache;
  const generation = settingsGeneration;
  const settings = normalizeSettings(
    await chrome.storage.local.get(SETTING_KEYS),
  );
  if (generation === settingsGeneration) settingsCache = settings;
  return settings;
}

/** What a content script may know of the settings: no address, no key. */
function pageSettings_(s) {
  return {
    lang: s.lang,
    platform: s.platform,
    families: s.families,
    asOf: s.asOf,
  };
}

/** Tells every tab's content script that the settings changed (tabs without one ignore it). */
async function broadcastSettings_(reannotate) {
  const settings = pageSettings_(await loadSettings_());
  const tabs = await chrome.tabs.query({});
  for (const tab of tabs) {
    chrome.tabs
      .sendMessage(tab.id, { type: SETTINGS_CHANGED, settings, reannotate })
      .catch(() => {});
  }
}

/** "Now" for the triage list and alerts: the hidden asOf when set (demos, tests), else the clock. */
function now_(settings) {
  const fixed = settings.asOf ? Date.parse(settings.asOf) : NaN;
  return Number.isFinite(fixed) ? fixed : Date.now();
}

function apiError_(code, words, values, extra) {
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
 * @return {Promise<{ok: boolean, data?: any, error?: any}>}
 */
async function callApi_(target, path, init) {
  const ui = VOCAB.ui;
  const base = target.apiBase;
  const problem = apiBaseProblem(base);
  if (problem) {
    return {
      ok: false,
      error: apiError_(
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
        error: apiError_("permission", ui.api_permission, { origin }),
      };
    return {
      ok: false,
      error: apiError_(
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
      error: apiError_("auth", ui.api_auth, { status }, { status }),
    };
  if (status === 429)
    return {
      ok: false,
      error: apiError_("rate_limited", ui.api_rate_limited, {}, { status }),
    };
  if (!response.ok || body === null) {
    const detail =
      body && body.error ? body.error.message || body.error.code : "";
    return {
      ok: false,
      error: apiError_(
        "http",
        ui.api_http,
        { status, detail: detail ? `: ${detail}` : "" },
        { status },
      ),
    };
  }
  return { ok: true, data: body };
}

/** ANNOTATE_ORDERS: {orders: [...]} → the API's {as_of, results, summary}; the list learns them. */
async function annotateOrders_(message, sender) {
  if (!Array.isArray(message.orders))
    throw new Error("orders must be an array");
  const settings = await loadSettings_();
  // Lean results: the same facts, their words as codes the page renders from the vocabulary.
  const options = { families: enabledFamilies(settings.families), detail: "lean" };
  // Only a threshold the merchant chose: otherwise the API's JDPG_AT_RISK_HOURS applies.
  if (settings.atRiskHours != null)
    options.at_risk_hours = settings.atRiskHours;
  const payload = { orders: message.orders, options };
  if (settings.asOf) payload.as_of = settings.asOf;
  self.jdpgStats.annotateCalls += 1;
  self.jdpgStats.ordersSent += message.orders.length;
  self.jdpgStats.lastPayload = { options, as_of: payload.as_of || null };
  const started = performance.now();
  const reply = await callApi_(settings, "/api/v1/orders/annotate", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });
  self.jdpgStats.lastApiMs = Math.round(performance.now() - started);
  self.jdpgStats.lastError = reply.ok ? null : reply.error.code;
  // The list learns in the background: the page gets its badges without waiting for it.
  if (reply.ok && Array.isArray(reply.data.results))
    learn_(message.orders, reply.data.results, sender.url, settings).catch(
      () => {},
    );
  return reply;
}

/** Adds what a list page showed to the triage list, then refreshes alerts and the icon. */
async function learn_(orders, results, pageUrl, settings) {
  const now = now_(settings);
  const ctx = {
    seenAt: now,
    pageUrl,
    atRiskHours:
      settings.atRiskHours != null
        ? settings.atRiskHours
        : SERVER_DEFAULT_AT_RISK_HOURS,
    vocab: VOCAB,
    toFen: self.JdpgMoney.toFen,
  };
  const changes = results.map((result, i) =>
    Triage.fromResult(orders[i] || {}, result, ctx),
  );
  await updateTriage_((list) => Triage.merge(list, changes, now));
  await checkAlerts_();
}

/** One read-modify-write of the stored list at a time. */
let triageChain = Promise.resolve();
function updateTriage_(change) {
  const run = triageChain.then(async () => {
    const stored = await chrome.storage.local.get(TRIAGE_KEY);
    const next = change(stored[TRIAGE_KEY] || {});
    await chrome.storage.local.set({ [TRIAGE_KEY]: next });
    return next;
  });
  triageChain = run.catch(() => {});
  return run;
}

/**
 * The alarm's work: a notification for each known order that has turned at risk or overdue
 * since (at most one per order per state), outside quiet hours; the icon's count.
 */
async function checkAlerts_() {
  const settings = await loadSettings_();
  const now = now_(settings);
  const ui = VOCAB.ui;
  const lang = settings.lang;
  const quiet =
    !settings.alerts ||
    Triage.inQuietHours(now, settings.quietFrom, settings.quietTo);
  const list = await updateTriage_((current) => {
    const pruned = Triage.prune(current, now);
    if (quiet) return pruned;
    const due = Triage.dueAlerts(pruned, now);
    for (const { id, state } of due) {
      const entry = pruned[id];
      const title =
        state === "overdue" ? ui.alert_overdue_title : ui.alert_at_risk_title;
      const body = {
        zh: VOCAB.fill(ui.alert_body.zh, {
          id,
          at: shortBeijing_(entry.deadline),
        }),
        en: VOCAB.fill(ui.alert_body.en, {
          id,
          at: shortBeijing_(entry.deadline),
        }),
      };
      chrome.notifications.create(`jdpg:${id}:${state}`, {
        type: "basic",
        iconUrl: chrome.runtime.getURL("icons/icon-128.png"),
        title: say_(title, lang),
        message: say_(body, lang),
        priority: state === "overdue" ? 2 : 1,
      });
    }
    return Triage.markAlerted(pruned, due, now);
  });
  const count = Triage.urgentCount(list, now);
  await chrome.action.setBadgeText({ text: count ? String(count) : "" });
  await chrome.action.setBadgeBackgroundColor({ color: "#b3261e" });
}

/** A word in the merchant's language (both, one after the other, for "zh-en"). */
function say_(entry, lang) {
  return lang === "zh"
    ? entry.zh
    : lang === "en"
      ? entry.en
      : `${entry.zh} · ${entry.en}`;
}

/** An instant as Beijing "MM-DD HH:MM". */
function shortBeijing_(ms) {
  const iso = new Date(ms + 8 * 3600 * 1000).toISOString();
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/**
 * TEST_CONNECTION: {apiBase?, apiKey?} from the options form (unsaved values) or nothing
 * (the popup: the saved ones) → GET /healthz, then GET /api/v1/rules for the key. The saved
 * key only ever goes to the saved address.
 */
async function testConnection_(message) {
  const saved = await loadSettings_();
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
  let reply = await callApi_({ apiBase, apiKey }, "/healthz", {
    method: "GET",
  });
  // /healthz answers anyone: a call the key must open says whether the key is right.
  if (reply.ok)
    reply = await callApi_({ apiBase, apiKey }, "/api/v1/rules", {
      method: "GET",
    });
  return {
    ok: reply.ok,
    error: reply.error,
    ms: Date.now() - started,
    apiBase,
  };
}

/** PAGE_SUMMARY from a content script: kept per tab for the popup. */
async function pageSummary_(message, sender) {
  const entry = {
    summary: message.summary,
    error: message.error || null,
    url: sender.url,
    at: Date.now(),
  };
  await chrome.storage.session.set({ [`tab:${sender.tab.id}`]: entry });
  return { ok: true };
}

/** GET_TAB_SUMMARY: {tabId} → what that tab's content script last reported, or null. */
async function getTabSummary_(message) {
  const key = `tab:${Number(message.tabId)}`;
  const stored = await chrome.storage.session.get(key);
  return { ok: true, data: stored[key] || null };
}

/** GET_TRIAGE → the list by time left, and "now" as the service worker sees it. */
async function getTriage_() {
  const settings = await loadSettings_();
  const stored = await chrome.storage.local.get(TRIAGE_KEY);
  const now = now_(settings);
  const list = Triage.prune(stored[TRIAGE_KEY] || {}, now);
  return {
    ok: true,
    data: {
      now,
      fixedNow: Boolean(settings.asOf),
      lang: settings.lang,
      entries: Triage.sorted(list),
    },
  };
}

/** GET_PAGE_SETTINGS from a content script: the settings a page may know. */
async function getPageSettings_() {
  return { ok: true, data: pageSettings_(await loadSettings_()) };
}

const HANDLERS = {
  [MSG.ANNOTATE_ORDERS]: annotateOrders_,
  [MSG.PAGE_SUMMARY]: pageSummary_,
  [MSG.GET_PAGE_SETTINGS]: getPageSettings_,
  [MSG.TEST_CONNECTION]: testConnection_,
  [MSG.GET_TAB_SUMMARY]: getTabSummary_,
  [MSG.GET_TRIAGE]: getTriage_,
};

/**
 * The router: an unknown type throws; a known one from a sender not allowed to send it is
 * refused without running. Exposed as self.jdpgRoute for tests that play other senders.
 * @return {Promise<any>}
 */
function route_(message, sender) {
  const type = message && message.type;
  const handler = Object.prototype.hasOwnProperty.call(HANDLERS, type)
    ? HANDLERS[type]
    : null;
  if (!handler)
    throw new Error(`JD Promo Guard: unknown message ${JSON.stringify(type)}`);
  if (!senderAllowed(type, sender, chrome.runtime.id)) {
    return Promise.resolve({
      ok: false,
      error: {
        code: "forbidden",
        message: `not allowed from this sender: ${type}`,
        message_en: `not allowed from this sender: ${type}`,
      },
    });
  }
  return handler(message, sender).catch((e) => ({
    ok: false,
    error: apiError_("internal", VOCAB.ui.api_internal, { message: e.message }),
  }));
}
self.jdpgRoute = route_;

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  route_(message, sender).then(sendResponse);
  return true;
});

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) checkAlerts_();
});

chrome.notifications.onClicked.addListener(async (notificationId) => {
  const [, id] = notificationId.split(":");
  const stored = await chrome.storage.local.get(TRIAGE_KEY);
  const entry = (stored[TRIAGE_KEY] || {})[id];
  if (entry) chrome.tabs.create({ url: entry.url });
  chrome.notifications.clear(notificationId);
});

chrome.alarms.get(ALARM).then((alarm) => {
  if (!alarm) chrome.alarms.create(ALARM, { periodInMinutes: ALARM_MINUTES });
});

chrome.tabs.onRemoved.addListener((tabId) => {
  chrome.storage.session.remove(`tab:${tabId}`);
});

// The sender table and the handlers must name the same messages.
for (const type of Object.keys(SENDERS)) {
  if (!HANDLERS[type]) throw new Error(`no handler for ${type}`);
}
