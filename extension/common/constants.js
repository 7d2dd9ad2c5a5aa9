/**
 * Names shared by the service worker (imported for its side effect), the content scripts and the
 * extension pages: message types and who may send them, settings and their defaults, and
 * which API addresses are allowed. Plain script: it defines one global, `JDPG`.
 */
(function (root) {
  "use strict";

  /** Sent by the service worker to content scripts when the settings change. */
  const SETTINGS_CHANGED = "jdpg/settings-changed";

  /** Message types: the service worker's router is keyed on these and nothing else. */
  const MSG = Object.freeze({
    ANNOTATE_ORDERS: "jdpg/annotate-orders",
    PAGE_SUMMARY: "jdpg/page-summary",
    GET_PAGE_SETTINGS: "jdpg/get-page-settings",
    TEST_CONNECTION: "jdpg/test-connection",
    GET_TAB_SUMMARY: "jdpg/get-tab-summary",
    GET_TRIAGE: "jdpg/get-triage",
  });

  /**
   * Who may send each message: "content" (a content script on one of our pages) or "page"
   * (the extension's own popup and options pages). Anything else is refused.
   */
  const SENDERS = Object.freeze({
    [MSG.ANNOTATE_ORDERS]: "content",
    [MSG.PAGE_SUMMARY]: "content",
    [MSG.GET_PAGE_SETTINGS]: "content",
    [MSG.TEST_CONNECTION]: "page",
    [MSG.GET_TAB_SUMMARY]: "page",
    [MSG.GET_TRIAGE]: "page",
  });

  /** Rule families the merchant can switch off: the vocabulary's list (needs common/vocabulary.js). */
  const FAMILIES = root.JDPG_VOCAB.lists.families;
  /** Platforms a store can be on: the vocabulary's list. */
  const PLATFORMS = root.JDPG_VOCAB.lists.platforms;

  const DEFAULT_API_BASE = "http://127.0.0.1:8000";

  /** Hosts that may be reached over plain http (this computer); anything else needs https. */
  const LOOPBACK_HOSTS = Object.freeze(["127.0.0.1", "localhost", "[::1]"]);

  /** Origins the manifest already grants; any other API origin needs an optional grant. */
  const BUILT_IN_API_HOSTS = Object.freeze(["127.0.0.1", "localhost"]);

  /**
   * The at-risk threshold the alerts assume when the merchant set none and the API's answer
   * does not say which it used: the API's own default (JDPG_AT_RISK_HOURS unset).
   */
  const SERVER_DEFAULT_AT_RISK_HOURS = 6;

  const DEFAULT_SETTINGS = Object.freeze({
    apiBase: DEFAULT_API_BASE,
    apiKey: "",
    // null: not set, so the API's JDPG_AT_RISK_HOURS applies.
    atRiskHours: null,
    lang: "zh-en",
    families: Object.freeze(
      Object.fromEntries(FAMILIES.map((name) => [name, true])),
    ),
    // The store's platform when an order carries no tag that says it (京喜 / 京东国际).
    platform: "",
    // Desktop alerts when a known order turns at risk or overdue, and hours without them.
    alerts: true,
    quietFrom: "",
    quietTo: "",
    // Hidden: a fixed "now" for demos and tests; empty means the real clock.
    asOf: "",
  });

  const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

  /**
   * Fills gaps and coerces types in settings read from chrome.storage.
   * @param {Object<string, any>} stored whatever storage returned
   * @return {Object<string, any>} complete settings
   */
  function normalizeSettings(stored) {
    /** @type {Object<string, any>} */
    const s = Object.assign({}, DEFAULT_SETTINGS, stored || {});
    const families = {};
    for (const name of FAMILIES) {
      families[name] = !(s.families && s.families[name] === false);
    }
    const hours =
      s.atRiskHours === null || s.atRiskHours === ""
        ? NaN
        : Number(s.atRiskHours);
    return {
      apiBase: String(s.apiBase || DEFAULT_API_BASE).replace(/\/+$/, ""),
      apiKey: String(s.apiKey || ""),
      atRiskHours:
        Number.isFinite(hours) && hours >= 0 && hours <= 240 ? hours : null,
      lang: ["zh", "en", "zh-en"].includes(s.lang)
        ? s.lang
        : DEFAULT_SETTINGS.lang,
      families,
      platform: PLATFORMS.includes(s.platform)
        ? s.platform
        : "",
      alerts: s.alerts !== false,
      quietFrom: HHMM.test(String(s.quietFrom)) ? String(s.quietFrom) : "",
      quietTo: HHMM.test(String(s.quietTo)) ? String(s.quietTo) : "",
      asOf: String(s.asOf || ""),
    };
  }

  /**
   * The enabled families, as the API's `options.families` takes them.
   * @param {Object<string, boolean>} families
   * @return {string[]}
   */
  function enabledFamilies(families) {
    return FAMILIES.filter((name) => families[name] !== false);
  }

  /**
   * Why an API base URL may not be used, or "" when it may: a URL, https, or http only for
   * this computer (127.0.0.1, localhost, [::1]) so a key never crosses a network in clear.
   * @param {string} apiBase
   * @return {""|"bad_url"|"not_https"}
   */
  function apiBaseProblem(apiBase) {
    let url;
    try {
      url = new URL(apiBase);
    } catch (e) {
      return "bad_url";
    }
    if (url.username || url.password || url.search || url.hash)
      return "bad_url";
    if (url.protocol === "https:") return "";
    if (url.protocol === "http:" && LOOPBACK_HOSTS.includes(url.hostname))
      return "";
    return url.protocol === "http:" ? "not_https" : "bad_url";
  }

  /**
   * True when the manifest's host permissions already cover this API base URL.
   * @param {string} apiBase e.g. "http://127.0.0.1:8000"
   * @return {boolean}
   */
  function isBuiltInApiOrigin(apiBase) {
    try {
      const url = new URL(apiBase);
      return (
        url.protocol === "http:" && BUILT_IN_API_HOSTS.includes(url.hostname)
      );
    } catch (e) {
      return false;
    }
  }

  /**
   * Whether a message of this type may come from this sender.
   * @param {string} type one of MSG
   * @param {{id?: string, url?: string, tab?: {id?: number}}} sender chrome.runtime.MessageSender
   * @param {string} runtimeId chrome.runtime.id
   * @return {boolean}
   */
  function senderAllowed(type, sender, runtimeId) {
    const kind = SENDERS[type];
    if (!kind || !sender || sender.id !== runtimeId) return false;
    const ownPage = String(sender.url || "").startsWith(
      `chrome-extension://${runtimeId}/`,
    );
    if (kind === "page") return ownPage;
    return !ownPage && Boolean(sender.tab) && sender.tab.id != null;
  }

  root.JDPG = Object.freeze({
    MSG,
    SENDERS,
    SETTINGS_CHANGED,
    FAMILIES,
    DEFAULT_API_BASE,
    DEFAULT_SETTINGS,
    SERVER_DEFAULT_AT_RISK_HOURS,
    normalizeSettings,
    enabledFamilies,
    apiBaseProblem,
    isBuiltInApiOrigin,
    senderAllowed,
  });
})(globalThis);
