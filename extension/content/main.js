/**
 * The content script: finds the orders on the page, asks the service worker for their
 * results, and places one badge row in each order's own card or row plus a summary bar
 * above the list. It never changes the page's own nodes; everything it adds carries
 * `data-jdpg-own` and `jdpg-` classes. State for tests: <html data-jdpg-state>.
 */
(function () {
  "use strict";

  // A second injection into the same page (extension reload, manual inject) must not
  // start a second observer fighting over the same rows.
  if (globalThis.__jdpgContentStarted) return;
  globalThis.__jdpgContentStarted = true;

  const { MSG, SETTINGS_CHANGED, normalizeSettings } = globalThis.JDPG;
  const R = globalThis.JdpgRender;
  const Sum = globalThis.JdpgSummary;
  const X = globalThis.JdpgExtract;
  const UI = globalThis.JDPG_VOCAB.ui;
  /** The try-it page the API serves (GET /demo/try/order-list): read as the card order list. */
  const TRY_PATH = "/demo/try/order-list";
  const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];
  const html = document.documentElement;

  const RETRY_AFTER_ERROR_MS = 30 * 1000;
  // Pending orders' countdowns go stale; ask again this often (not when a fixed asOf is set).
  const REFRESH_OPEN_MS = 10 * 60 * 1000;
  const UNIT_HINT =
    ".card, .table-body, tbody, tr, .shop-order-id, .orderid-mr10";

  let settings = normalizeSettings({});
  /** The words badges are rendered with: the generated vocabulary, campaign titles from the API. */
  let vocab = globalThis.JDPG_VOCAB;
  let ready = false;
  let stopped = false;
  /** key (order id + hash of its extracted data) → the API's result for it. */
  const results = new Map();
  const inflight = new Set();
  const stale = new Set();
  let apiError = null;
  let apiErrorAt = 0;
  let lastAsOf = null;
  let bar = null;
  let region = null;
  /** The last scan's reading of the list; valid until the list changes (see the observer). */
  let readCache = null;
  let scanTimer = 0;
  let retryTimer = 0;
  let settingsVersion = 0;
  let lastSummarySent = "";
  let requests = 0;
  let ordersRequested = 0;

  function setState_(state) {
    if (html.dataset.jdpgState === state) return;
    html.dataset.jdpgState = state;
    if (state === "done")
      html.dataset.jdpgDoneMs = performance.now().toFixed(1);
    if (state === "error" && apiError) html.dataset.jdpgError = apiError.code;
    else delete html.dataset.jdpgError;
  }

  function renderOpts_() {
    return { lang: settings.lang, asOf: lastAsOf, vocab };
  }

  /**
   * The vocabulary with the campaign titles the API gave (a campaign added on the server is
   * named by its title, not its id).
   */
  function withCampaigns_(titles) {
    if (!titles || typeof titles !== "object") return vocab;
    const V = globalThis.JDPG_VOCAB;
    const campaign = Object.assign({}, V.values.campaign, titles);
    return Object.assign({}, V, {
      values: Object.assign({}, V.values, { campaign }),
    });
  }

  /** Which list this page is: a JD page by its URL, or the API's try-it page. */
  function pageKind_() {
    const kind = X.pageKind(location.href);
    if (kind) return kind;
    return LOOPBACK.includes(location.hostname) &&
      location.pathname === TRY_PATH
      ? "orders"
      : null;
  }

  /**
   * Puts the row for `sig` into the unit, replacing an outdated row of ours in one step
   * (replaceWith), and leaving the unit untouched when its row is already current.
   */
  function place_(unit, sig, build) {
    const rows = Array.from(unit.el.querySelectorAll(".jdpg-row"));
    for (const extra of rows.slice(1)) extra.remove();
    const row = rows[0];
    if (row && row.dataset.jdpgKey === sig) return;
    const fresh = build();
    fresh.dataset.jdpgKey = sig;
    if (row) row.replaceWith(fresh);
    else if (unit.position === "after") unit.anchor.after(fresh);
    else unit.anchor.appendChild(fresh);
  }

  function noticeFor_(error) {
    return error
      ? { message: error.message, message_en: error.message_en }
      : null;
  }

  function placeBar_(kind, summary) {
    const anchor = X.listAnchor(document, kind);
    for (const other of document.querySelectorAll(".jdpg-bar")) {
      if (other !== bar) other.remove();
    }
    if (!anchor) {
      if (bar) bar.remove();
      return;
    }
    bar = Sum.renderSummaryBar(bar, summary, {
      lang: settings.lang,
      notice: apiError && summary.unavailable ? noticeFor_(apiError) : null,
    });
    if (!bar.isConnected || bar.nextElementSibling !== anchor)
      anchor.before(bar);
    region = anchor.parentElement;
  }

  function reportSummary_(summary) {
    const signature = JSON.stringify(summary) + (apiError ? apiError.code : "");
    if (signature === lastSummarySent) return;
    lastSummarySent = signature;
    send_({
      type: MSG.PAGE_SUMMARY,
      summary,
      error: apiError,
      url: location.href,
    }).catch(() => {});
  }

  async function send_(message) {
    try {
      return await chrome.runtime.sendMessage(message);
    } catch (e) {
      if (/context invalidated/i.test(String(e && e.message))) stop_();
      throw e;
    }
  }

  /** Reads every unit, renders what is known, and asks for what is not. Synchronous. */
  function scan() {
    scanTimer = 0;
    if (!ready || stopped) return;
    const kind = pageKind_();
    if (!kind) return;
    const started = performance.now();
    const reading = readList_(kind);
    const opts = renderOpts_();
    const apiDown =
      Boolean(apiError) && Date.now() - apiErrorAt < RETRY_AFTER_ERROR_MS;
    const entries = [];
    const need = [];
    const needKeys = new Set();
    const v = settingsVersion;

    for (const { unit, ex } of reading) {
      if (!ex.ok) {
        place_(unit, `${v}|u|${ex.key}`, () =>
          R.buildUnreadableRow(ex.problems, opts),
        );
        entries.push({ state: "unreadable" });
        continue;
      }
      const result = results.get(ex.key);
      const wanted = !inflight.has(ex.key) && !needKeys.has(ex.key);
      if (result) {
        entries.push(placeResult_(unit, ex, result, opts, v));
        if (stale.has(ex.key) && wanted && !apiDown) {
          needKeys.add(ex.key);
          need.push({ key: ex.key, order: ex.order });
        }
      } else if (apiDown) {
        place_(unit, `${v}|x|${apiError.code}`, () =>
          R.buildStatusRow(
            "unavailable",
            Object.assign({}, opts, { notice: noticeFor_(apiError) }),
          ),
        );
        entries.push({ state: "unavailable" });
      } else {
        // A new card gets no placeholder (its badges appear once); a card whose data changed
        // loses its outdated badges at once.
        if (unit.el.querySelector(".jdpg-row"))
          place_(unit, `${v}|p`, () => R.buildStatusRow("pending", opts));
        entries.push({ state: "pending" });
        if (wanted) {
          needKeys.add(ex.key);
          need.push({ key: ex.key, order: ex.order });
        }
      }
    }

    const summary = Sum.summarize(entries);
    placeBar_(kind, summary);
    if (need.length) request_(need);
    if (inflight.size) setState_("requesting");
    else if (apiDown && summary.unavailable) setState_("error");
    else setState_(reading.length ? "done" : "empty");
    if (!inflight.size) reportSummary_(summary);
    // Whatever we just wrote must not wake the observer up again.
    observer.takeRecords();
    html.dataset.jdpgScanMs = (performance.now() - started).toFixed(1);
  }

  /**
   * Places one order's badge row; a result the badge files cannot render (a malformed reply)
   * costs that order's row, which says so, never the rest of the page.
   * @return {{state: string, result?: Object<string, any>}} the order's entry for the summary
   */
  function placeResult_(unit, ex, result, opts, v) {
    const sig = `${v}|r|${ex.key}|${result.__jdpgSerial}`;
    try {
      place_(unit, sig, () =>
        R.buildBadgeRow(withPageNotes_(result, ex.notes), opts),
      );
      return { state: "result", result };
    } catch (e) {
      const notice = { message: UI.bad_reply.zh, message_en: UI.bad_reply.en };
      place_(unit, `${sig}|x`, () =>
        R.buildStatusRow("unavailable", Object.assign({}, opts, { notice })),
      );
      return { state: "unavailable" };
    }
  }

  /**
   * The result with the values the page shows but the reader could not read (a promise text
   * that is not a time) among its errors: the row marks them like the API's own.
   */
  function withPageNotes_(result, notes) {
    if (!notes || !notes.length) return result;
    return Object.assign({}, result, {
      errors: (result.errors || []).concat(notes),
    });
  }

  /** Each unit with what was read from it; re-read only when the list changed since. */
  function readList_(kind) {
    const href = location.href;
    if (
      readCache &&
      readCache.href === href &&
      readCache.version === settingsVersion
    ) {
      const stillThere = readCache.reading.every(
        ({ unit }) => unit.el.isConnected,
      );
      if (stillThere) return readCache.reading;
    }
    const ctx = { href, platform: settings.platform };
    const reading = X.findUnits(document, kind).map((unit) => ({
      unit,
      ex: X.extract(unit, ctx),
    }));
    readCache = { href, version: settingsVersion, reading };
    return reading;
  }

  let serial = 0;

  async function request_(need) {
    for (const n of need) inflight.add(n.key);
    requests += 1;
    ordersRequested += need.length;
    html.dataset.jdpgRequests = String(requests);
    html.dataset.jdpgOrdersRequested = String(ordersRequested);
    let reply;
    try {
      reply = await send_({
        type: MSG.ANNOTATE_ORDERS,
        orders: need.map((n) => n.order),
      });
    } catch (e) {
      reply = {
        ok: false,
        error: {
          code: "extension",
          message: UI.reload_page.zh,
          message_en: UI.reload_page.en,
        },
      };
    }
    for (const n of need) inflight.delete(n.key);
    const list = reply && reply.ok && reply.data && reply.data.results;
    if (Array.isArray(list) && list.length === need.length) {
      serial += 1;
      list.forEach((result, i) => {
        results.set(
          need[i].key,
          Object.assign({ __jdpgSerial: serial }, result),
        );
        stale.delete(need[i].key);
      });
      lastAsOf = reply.data.as_of || lastAsOf;
      vocab = withCampaigns_(reply.campaigns);
      apiError = null;
    } else {
      apiError = (reply && reply.error) || {
        code: "bad_reply",
        message: UI.bad_reply.zh,
        message_en: UI.bad_reply.en,
      };
      apiErrorAt = Date.now();
      clearTimeout(retryTimer);
      retryTimer = setTimeout(schedule_, RETRY_AFTER_ERROR_MS + 50);
    }
    if (!stopped) scan();
  }

  /**
   * Coalesces a burst of mutations into one scan. A microtask, not a timer: the request for
   * a freshly rendered list goes out before the browser lays the list out, so the API's
   * answer and the page's own rendering overlap.
   */
  function schedule_() {
    if (scanTimer || stopped) return;
    scanTimer = 1;
    queueMicrotask(scan);
  }

  /** Only changes to the order list (or a list appearing) matter; our own nodes never do. */
  function isListChange_(record) {
    const target =
      record.target.nodeType === 1
        ? record.target
        : record.target.parentElement;
    if (!target || target.closest(X.OWN_SELECTOR)) return false;
    if (!region || !region.isConnected) return true;
    if (region.contains(target)) return true;
    if (record.type !== "childList") return false;
    for (const node of record.addedNodes) {
      if (
        node.nodeType === 1 &&
        (node.matches(UNIT_HINT) || node.querySelector(UNIT_HINT))
      )
        return true;
    }
    return false;
  }

  const observer = new MutationObserver((records) => {
    if (records.some(isListChange_)) {
      readCache = null;
      schedule_();
    }
  });

  function stop_() {
    stopped = true;
    observer.disconnect();
    clearTimeout(retryTimer);
    clearInterval(refreshTimer);
  }

  const refreshTimer = setInterval(() => {
    if (settings.asOf) return;
    for (const [key, result] of results) {
      const status = result.ship && result.ship.status;
      if (status === "pending" || status === "at_risk") stale.add(key);
    }
    schedule_();
  }, REFRESH_OPEN_MS);

  // Settings come from the service worker (this script never reads storage, where the key
  // is): once at start, then whenever they change.
  chrome.runtime.onMessage.addListener((message, sender) => {
    if (sender.id !== chrome.runtime.id || sender.tab) return;
    if (!message || message.type !== SETTINGS_CHANGED) return;
    settings = normalizeSettings(message.settings);
    settingsVersion += 1;
    if (message.reannotate) {
      results.clear();
      stale.clear();
      apiError = null;
    }
    schedule_();
  });

  observer.observe(document.body || html, {
    childList: true,
    subtree: true,
    characterData: true,
  });
  send_({ type: MSG.GET_PAGE_SETTINGS })
    .then((reply) => {
      if (reply && reply.ok) settings = normalizeSettings(reply.data);
    })
    .catch(() => {})
    .finally(() => {
      ready = true;
      scan();
    });
})();
