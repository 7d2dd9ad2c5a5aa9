/**
 * Names shared by the service worker (via importScripts), the content scripts and the
 * extension pages. Plain script: it defines one global, `JDPG`.
 */
(function (root) {
  "use strict";

  /** Message types: the service worker's router is keyed on these and nothing else. */
  const MSG = Object.freeze({
    ANNOTATE_ORDERS: "jdpg/annotate-orders",
    TEST_CONNECTION: "jdpg/test-connection",
    PAGE_SUMMARY: "jdpg/page-summary",
    GET_TAB_SUMMARY: "jdpg/get-tab-summary",
  });

  /** Rule families the merchant can switch off; keys match the core's FAMILIES. */
  const FAMILIES = Object.freeze([
    "shipping",
    "price",
    "after_sales",
    "promotions",
  ]);

  const DEFAULT_API_BASE = "http://127.0.0.1:8000";

  /** Origins the manifest already grants; any other API origin needs an optional grant. */
  const BUILT_IN_API_HOSTS = Object.freeze(["127.0.0.1", "localhost"]);

  const DEFAULT_SETTINGS = Object.freeze({
    apiBase: DEFAULT_API_BASE,
    apiKey: "",
    atRiskHours: 6,
    lang: "zh-en",
    families: Object.freeze({
      shipping: true,
      price: true,
      after_sales: true,
      promotions: true,
    }),
    // The store's platform when an order carries no tag that says it (京喜 / 京东国际).
    platform: "",
    // Hidden: a fixed "now" for demos and tests; empty means the API's own clock.
    asOf: "",
  });

  /**
   * Fills gaps and coerces types in settings read from chrome.storage.
   * @param {Object<string, any>} stored whatever storage returned
   * @return {Object<string, any>} complete settings
   */
  function normalizeSettings(stored) {
    const s = Object.assign({}, DEFAULT_SETTINGS, stored || {});
    const families = {};
    for (const name of FAMILIES) {
      families[name] = !(s.families && s.families[name] === false);
    }
    const hours = Number(s.atRiskHours);
    return {
      apiBase: String(s.apiBase || DEFAULT_API_BASE).replace(/\/+$/, ""),
      apiKey: String(s.apiKey || ""),
      atRiskHours:
        Number.isFinite(hours) && hours >= 0
          ? hours
          : DEFAULT_SETTINGS.atRiskHours,
      lang: ["zh", "en", "zh-en"].includes(s.lang)
        ? s.lang
        : DEFAULT_SETTINGS.lang,
      families,
      platform: ["jd", "jingxi", "jd_international"].includes(s.platform)
        ? s.platform
        : "",
      asOf: String(s.asOf || ""),
    };
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

  root.JDPG = Object.freeze({
    MSG,
    FAMILIES,
    DEFAULT_API_BASE,
    DEFAULT_SETTINGS,
    normalizeSettings,
    isBuiltInApiOrigin,
  });
})(globalThis);
