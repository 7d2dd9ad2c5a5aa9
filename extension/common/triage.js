/**
 * The triage list: every order seen on a list page in the last days, what it still needs,
 * and when it turns at risk or overdue, worked out from the deadline already known (no page,
 * no API call). Pure functions over plain objects: the service worker keeps the list in
 * chrome.storage.local, the popup shows it, `node --test` checks it. Defines `JdpgTriage`.
 *
 * An entry: {id, seenAt, deadline, atRiskAt (ms or null), owedFen, url, alerted: {state: ms}}.
 */
(function (root) {
  "use strict";

  /** How long an order stays on the list after it was last seen. */
  const KEEP_MS = 7 * 24 * 3600 * 1000;
  /** At most this many orders are kept; the ones seen longest ago go first. */
  const CAP = 2000;
  const SHIPPED_STATUSES = [
    "shipped_on_time",
    "shipped_late",
    "shipped_time_unknown",
  ];
  /** The seller backend's order page (the URL public seller tools open for an order). */
  const JD_ORDER_DETAIL =
    "https://shop.jd.com/jdm/trade/orders/order-details?orderId=";
  const TRY_PATH = "/demo/try/order-list";
  const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];
  const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

  /**
   * Where a click on the order takes the merchant: its page on the seller backend, or on the
   * try-it page when it was seen there.
   * @param {string} id
   * @param {string} pageUrl the list page it was seen on
   * @return {string}
   */
  function detailUrl(id, pageUrl) {
    try {
      const page = new URL(pageUrl);
      if (LOOPBACK.includes(page.hostname) && page.pathname === TRY_PATH)
        return `${page.origin}${TRY_PATH}?orderId=${encodeURIComponent(id)}`;
    } catch (e) {
      // Not a URL: the seller backend's page.
    }
    return JD_ORDER_DETAIL + encodeURIComponent(id);
  }

  /**
   * What one order seen on a page adds to the list: an entry, or its removal.
   * @param {Object<string, any>} order what the page gave (order_status…)
   * @param {Object<string, any>} result its API result
   * @param {{seenAt: number, pageUrl: string, atRiskHours: number, vocab: Object<string, any>, toFen: (yuan: string) => number}} ctx
   * @return {{remove: string}|{entry: Object<string, any>}|null}
   */
  function fromResult(order, result, ctx) {
    const id = String((result && result.order_id) || order.order_id || "");
    if (!/^\d{6,30}$/.test(id)) return null;
    const ship = result.ship;
    // A status meaning after which nothing is left to do (the vocabulary's `done` ones).
    const meaning = ctx.vocab.statusMeaning(order.order_status);
    if (
      ctx.vocab.lists.done_meanings.includes(meaning) ||
      (ship && SHIPPED_STATUSES.includes(ship.status))
    )
      return { remove: id };
    const deadline = ship && ship.deadline ? Date.parse(ship.deadline) : NaN;
    const hours = Number(
      ship && ship.at_risk_hours != null ? ship.at_risk_hours : ctx.atRiskHours,
    );
    return {
      entry: {
        id,
        seenAt: ctx.seenAt,
        deadline: Number.isFinite(deadline) ? deadline : null,
        atRiskAt: Number.isFinite(deadline)
          ? deadline - hours * 3600 * 1000
          : null,
        owedFen: ctx.toFen(result.compensation && result.compensation.total),
        url: detailUrl(id, ctx.pageUrl),
        alerted: {},
      },
    };
  }

  /**
   * The list after a page's orders were seen: updated, removed, expired and capped.
   * @param {Object<string, Object<string, any>>} list id → entry
   * @param {Array<Object<string, any>|null>} changes from fromResult(): {remove: id} or {entry}
   * @param {number} now ms
   * @param {number} [cap]
   * @return {Object<string, Object<string, any>>} a new list
   */
  function merge(list, changes, now, cap) {
    const next = Object.assign({}, list);
    for (const change of changes) {
      if (!change) continue;
      if (change.remove) {
        delete next[change.remove];
        continue;
      }
      const entry = change.entry;
      const before = next[entry.id];
      // The same deadline keeps the alerts already shown: one per order per state. An order
      // first seen already at risk or overdue is on the page in front of the merchant: only
      // a later crossing alerts.
      const alerted =
        before && before.deadline === entry.deadline
          ? before.alerted
          : alertedOnSight_(entry, now);
      next[entry.id] = Object.assign({}, entry, { alerted });
    }
    return prune(next, now, cap);
  }

  function alertedOnSight_(entry, now) {
    const state = stateAt(entry, now);
    if (state === "overdue") return { at_risk: now, overdue: now };
    if (state === "at_risk") return { at_risk: now };
    return {};
  }

  /**
   * Drops what was last seen more than 7 days ago, then the oldest above the cap.
   * @param {Object<string, Object<string, any>>} list
   * @param {number} now ms
   * @param {number} [cap]
   */
  function prune(list, now, cap) {
    const limit = cap || CAP;
    const kept = Object.values(list)
      .filter((e) => now - e.seenAt <= KEEP_MS)
      .sort((a, b) => b.seenAt - a.seenAt || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
    const out = {};
    for (const e of kept) out[e.id] = e;
    return out;
  }

  /**
   * Where an order stands at `now`: "overdue", "at_risk", "pending", or "none" (no deadline).
   * @param {Object<string, any>} entry
   * @param {number} now ms
   */
  function stateAt(entry, now) {
    if (entry.deadline == null) return "none";
    if (now >= entry.deadline) return "overdue";
    if (entry.atRiskAt != null && now >= entry.atRiskAt) return "at_risk";
    return "pending";
  }

  /**
   * Whether an entry belongs under a filter of the popup.
   * @param {Object<string, any>} entry
   * @param {"all"|"overdue"|"at_risk"|"to_ship"|"owed"} filter
   * @param {number} now
   */
  function matches(entry, filter, now) {
    const state = stateAt(entry, now);
    if (filter === "overdue") return state === "overdue";
    if (filter === "at_risk") return state === "at_risk";
    if (filter === "to_ship") return state !== "none";
    if (filter === "owed") return entry.owedFen > 0;
    return true;
  }

  /**
   * The list by time left, least first; orders with no deadline last, most owed first.
   * @param {Object<string, Object<string, any>>} list
   * @return {Array<Object<string, any>>}
   */
  function sorted(list) {
    return Object.values(list).sort((a, b) => {
      if (a.deadline == null || b.deadline == null) {
        if (a.deadline != null) return -1;
        if (b.deadline != null) return 1;
        return b.owedFen - a.owedFen || (a.id < b.id ? -1 : 1);
      }
      return a.deadline - b.deadline || (a.id < b.id ? -1 : 1);
    });
  }

  /**
   * Alerts due at `now`: each order that is at risk or overdue and was not yet alerted for
   * that state. An order found overdue without an at-risk alert gets the overdue one only.
   * @param {Object<string, Object<string, any>>} list
   * @param {number} now
   * @return {Array<{id: string, state: "at_risk"|"overdue"}>}
   */
  function dueAlerts(list, now) {
    const due = [];
    for (const entry of sorted(list)) {
      const state = stateAt(entry, now);
      if ((state === "at_risk" || state === "overdue") && !entry.alerted[state])
        due.push({ id: entry.id, state });
    }
    return due;
  }

  /**
   * The list with these alerts marked as shown (overdue also marks at risk).
   * @param {Object<string, Object<string, any>>} list
   * @param {Array<{id: string, state: string}>} shown
   * @param {number} now
   */
  function markAlerted(list, shown, now) {
    const next = Object.assign({}, list);
    for (const { id, state } of shown) {
      if (!next[id]) continue;
      const alerted = Object.assign({}, next[id].alerted, { [state]: now });
      if (state === "overdue" && !alerted.at_risk) alerted.at_risk = now;
      next[id] = Object.assign({}, next[id], { alerted });
    }
    return next;
  }

  /** How many orders are at risk or overdue at `now` (the toolbar badge). */
  function urgentCount(list, now) {
    return Object.values(list).filter((e) => {
      const state = stateAt(e, now);
      return state === "at_risk" || state === "overdue";
    }).length;
  }

  /**
   * Whether `now` falls in the quiet hours, read on Beijing time ("22:00" to "08:00" spans
   * midnight). Empty bounds: never quiet.
   * @param {number} now ms
   * @param {string} from "HH:MM"
   * @param {string} to "HH:MM"
   */
  function inQuietHours(now, from, to) {
    if (!from || !to || from === to) return false;
    const minutes = (t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
    const d = new Date(now + BEIJING_OFFSET_MS);
    const m = d.getUTCHours() * 60 + d.getUTCMinutes();
    const a = minutes(from);
    const b = minutes(to);
    return a < b ? m >= a && m < b : m >= a || m < b;
  }

  /**
   * The countdown shown beside an order: time left, time overdue, or that it has no deadline.
   * @param {Object<string, any>} entry
   * @param {number} now
   * @param {Object<string, any>} vocab
   * @return {{zh: string, en: string}}
   */
  function countdown(entry, now, vocab) {
    const ui = vocab.ui;
    if (entry.deadline == null) return ui.triage_no_deadline;
    const left = entry.deadline - now;
    // Time left rounded down, time late up (common/duration.js).
    const d = root.JdpgDuration.fromMs(Math.abs(left), left <= 0);
    const words = left > 0 ? ui.triage_left : ui.triage_late;
    const name = left > 0 ? "left" : "late";
    return {
      zh: vocab.fill(words.zh, { [name]: d.zh }),
      en: vocab.fill(words.en, { [name]: d.en }),
    };
  }

  root.JdpgTriage = Object.freeze({
    KEEP_MS,
    CAP,
    detailUrl,
    fromResult,
    merge,
    prune,
    stateAt,
    matches,
    sorted,
    dueAlerts,
    markAlerted,
    urgentCount,
    inQuietHours,
    countdown,
  });
})(globalThis);
