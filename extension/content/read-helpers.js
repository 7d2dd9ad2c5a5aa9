/**
 * What every page reader shares: our own nodes' marker, text without our nodes, times, money,
 * labels, status words (from the generated vocabulary, `JDPG_VOCAB.order_status`) and the
 * result every reader returns. Pure reading: no chrome.*, no network, never writes to the page.
 * Defines one global, `JdpgRead`; the readers (read-*.js) register themselves on it.
 */
(function (root) {
  "use strict";

  /** Our own nodes carry this attribute; everything else belongs to the page. */
  const OWN_SELECTOR = "[data-jdpg-own]";

  const DATETIME =
    "(\\d{4})[-/.年](\\d{1,2})[-/.月](\\d{1,2})日?[ T\\u00a0]*(\\d{1,2}):(\\d{2})(?::(\\d{2}))?";
  const DATETIME_RE = new RegExp(DATETIME);
  const DATETIME_G = new RegExp(DATETIME, "g");
  const MONEY_RE = /[¥￥]?\s*(-?\d[\d,]*(?:\.\d{1,2})?)/;
  /** What a cell shows when it has no value: nothing to read, and nothing unreadable either. */
  const PLACEHOLDER_RE = /^[-—–_\s/]*$/;

  /** Event words that follow a time in "2024-06-16 10:00:00 下单，2024-06-16 10:05:12 付款". */
  // A word followed by 时间/日期 labels the *next* time ("… 付款时间：…"), so it does not count.
  /** @type {Array<[RegExp, string]>} */
  const EVENT_FIELDS = [
    [/^下单(?![时日])/, "placed_at"],
    [/^(付款|支付)(?![时日确])/, "paid_at"],
    [/^(揽收|揽件)(?![时日])/, "picked_up_at"],
    [/^(出库|发货)(?![时日])/, "shipped_at"],
    [/^(签收|妥投|收货)(?![时日])/, "received_at"],
  ];

  /** Labels that precede a time ("付款时间：2024-06-16 10:05:12"). */
  const TIME_LABELS = {
    placed_at: ["下单时间", "下单日期"],
    paid_at: ["付款时间", "付款确认时间", "支付时间"],
    picked_up_at: ["揽收时间", "揽件时间"],
    shipped_at: ["出库时间", "发货时间"],
    received_at: ["签收时间", "妥投时间", "收货时间", "确认收货时间"],
  };
  const PROMISE_LABELS = [
    "承诺发货时间",
    "承诺出库时间",
    "最晚发货时间",
    "最晚出库时间",
  ];
  const AMOUNT_LABELS = [
    "应收金额",
    "应收",
    "实付金额",
    "实付款",
    "实付",
    "应付金额",
    "订单金额",
  ];
  const STATUS_LABELS = ["订单状态", "状态"];

  /**
   * Status words not in the vocabulary that only JD International orders show: an order
   * showing one is a JD International order (its campaign calendar applies).
   */
  const INTERNATIONAL_STATUSES = ["等待境外出库", "等待境内发货"];

  /**
   * The text of an element without any of our own nodes inside it.
   * @param {Element|null} el
   * @return {string}
   */
  function ownText(el) {
    if (!el) return "";
    // Text nodes joined with a space: "订单号：" + "2357…" + "2022-06-16 …" must not run
    // together into one long number. A plain walk: our own subtrees are skipped whole.
    const parts = [];
    collectText_(el, parts);
    return parts.join(" ");
  }

  function collectText_(node, parts) {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) parts.push(c.nodeValue);
      else if (c.nodeType === 1 && !c.hasAttribute("data-jdpg-own"))
        collectText_(c, parts);
    }
  }

  /**
   * Whitespace runs as one space, trimmed.
   * @param {string|null|undefined} text
   * @return {string}
   */
  function clean(text) {
    return (text || "").replace(/\s+/g, " ").trim();
  }

  /**
   * The cleaned text of the first element matching `selector` inside `scope` (not ours).
   * @param {ParentNode} scope
   * @param {string} selector
   * @return {string}
   */
  function textAt(scope, selector) {
    const el = scope.querySelector(selector);
    if (!el || el.closest(OWN_SELECTOR)) return "";
    return clean(el.firstElementChild ? ownText(el) : el.textContent);
  }

  /**
   * Leaf elements (no element children) inside `scope` that are not ours.
   * @param {ParentNode} scope
   * @return {Element[]}
   */
  function leaves(scope) {
    return Array.from(scope.querySelectorAll("*")).filter(
      (el) => !el.firstElementChild && !el.closest(OWN_SELECTOR),
    );
  }

  /**
   * Whether a cell shows no value at all ("", "--", "—").
   * @param {string} text
   * @return {boolean}
   */
  function isPlaceholder(text) {
    return PLACEHOLDER_RE.test(text || "");
  }

  function pad_(n) {
    return String(n).padStart(2, "0");
  }

  function timeFromMatch_(m) {
    return `${m[1]}-${pad_(m[2])}-${pad_(m[3])} ${pad_(m[4])}:${m[5]}:${m[6] || "00"}`;
  }

  function escapeRe_(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  const labelReCache_ = new Map();

  /** A label as a whole word: "发货时间" must not match inside "承诺发货时间". Compiled once. */
  function labelRe_(labels, value) {
    const key = labels.join("|") + "\u0000" + value;
    let re = labelReCache_.get(key);
    if (!re) {
      re = new RegExp(
        `(?<![\\u4e00-\\u9fa5])(?:${labels.map(escapeRe_).join("|")})\\s*[:：]?\\s*${value}`,
      );
      labelReCache_.set(key, re);
    }
    return re;
  }

  /**
   * Times keyed by the event word that follows each one.
   * @param {string} text e.g. "2024-06-16 10:00:00 下单，2024-06-16 10:05:12 付款"
   * @return {Object<string, any>} {placed_at?, paid_at?, ...} as "YYYY-MM-DD HH:MM:SS"
   */
  function eventTimes(text) {
    const out = {};
    const re = DATETIME_G;
    re.lastIndex = 0;
    let m;
    while ((m = re.exec(text))) {
      const after = text.slice(re.lastIndex).replace(/^[\s\u00a0]+/, "");
      const hit = EVENT_FIELDS.find(([word]) => word.test(after));
      if (hit && !out[hit[1]]) out[hit[1]] = timeFromMatch_(m);
    }
    return out;
  }

  /**
   * The first time that follows one of the labels.
   * @param {string} text
   * @param {string[]} labels
   * @return {string|null}
   */
  function labeledTime(text, labels) {
    const m = labelRe_(labels, DATETIME).exec(text);
    return m ? timeFromMatch_(m) : null;
  }

  /**
   * The text that follows one of the labels, up to the next space or separator, else null
   * ("承诺发货时间：当日24点前" gives "当日24点前"): what a label shows when it is not a time.
   * @param {string} text
   * @param {string[]} labels
   * @return {string|null}
   */
  function labeledValue(text, labels) {
    const m = labelRe_(labels, "([^\\s，,;；]+)").exec(text);
    return m ? m[1] : null;
  }

  /**
   * The first full date and time in a text ("2022-06-20 10:00[:00]"), else null. A time
   * without its date or year ("06-20 10:00", "今天 18:00") is not read: the year would be a guess.
   * @param {string} text
   * @return {string|null}
   */
  function firstTime(text) {
    const m = DATETIME_RE.exec(text || "");
    return m ? timeFromMatch_(m) : null;
  }

  /**
   * Labelled times for every event the labels name, added where `times` lacks one.
   * @param {Object<string, any>} times
   * @param {string} text
   * @return {Object<string, any>} times
   */
  function fillLabeledTimes(times, text) {
    for (const [field, labels] of Object.entries(TIME_LABELS)) {
      if (!times[field]) {
        const t = labeledTime(text, labels);
        if (t) times[field] = t;
      }
    }
    return times;
  }

  /**
   * Copies the times read into the order under their contract names.
   * @param {Object<string, any>} order
   * @param {Object<string, any>} times
   */
  function addTimes(order, times) {
    for (const field of Object.keys(TIME_LABELS)) {
      if (times[field]) order[field] = times[field];
    }
  }

  /**
   * A yuan amount as a string with the thousands separators removed.
   * @param {string} text e.g. "¥1,299.00"
   * @return {string|null}
   */
  function money(text) {
    const m = MONEY_RE.exec(text || "");
    return m ? m[1].replace(/,/g, "") : null;
  }

  /**
   * The amount that follows one of the labels.
   * @param {string} text
   * @param {string[]} labels
   * @return {string|null}
   */
  function labeledMoney(text, labels) {
    const m = labelRe_(labels, "[¥￥]?\\s*(\\d[\\d,]*(?:\\.\\d{1,2})?)").exec(
      text,
    );
    return m ? m[1].replace(/,/g, "") : null;
  }

  /**
   * The first run of 6–20 digits (JD order ids are 11–13 digits today).
   * @param {string} text
   * @return {string|null}
   */
  function digits(text) {
    const m = /\d{6,20}/.exec(text || "");
    return m ? m[0] : null;
  }

  /**
   * The order id after an 订单号 label; "服务单号" is not an order id, hence the look-behind.
   * @param {string} text
   * @return {string|null}
   */
  function labeledOrderId(text) {
    const m = /(?<!服务)(?:订单号|订单编号)\s*[:：]?\s*(\d{6,20})/.exec(text);
    return m ? m[1] : null;
  }

  /**
   * What a status word means in the vocabulary (`to_ship`, `locked`, `deleted` …), or null
   * for a word it does not hold: the vocabulary's own reader (JDPG_VOCAB.statusMeaning, as in
   * the core), except that a prefix ("(锁定)") alone is no status word on a page.
   * @param {string} word
   * @return {string|null}
   */
  function statusMeaning(word) {
    const text = clean(word);
    const vocab = root.JDPG_VOCAB;
    if (!text || !vocab || text in vocab.order_status.prefixes) return null;
    return vocab.statusMeaning(text);
  }

  /**
   * The status word an element shows, exactly as shown. Its whole text when that is a word
   * the vocabulary holds, else its first leaf that is one ("等待出库" beside a countdown),
   * else its whole text as it stands: an unknown word is sent as such, and the API says it
   * cannot judge it. Never a known word put in the place of an unknown one.
   * @param {Element|null} el
   * @return {string|null}
   */
  function statusOf(el) {
    if (!el || el.closest(OWN_SELECTOR)) return null;
    const whole = clean(ownText(el));
    if (!whole || isPlaceholder(whole)) return null;
    if (statusMeaning(whole)) return whole;
    for (const leaf of leaves(el)) {
      const t = clean(leaf.textContent);
      if (statusMeaning(t)) return t;
    }
    return whole;
  }

  /**
   * A status found by label text ("订单状态：等待出库") or, failing that, a leaf of `scope`
   * whose whole text is a status word the vocabulary holds. For pages where no source shows
   * where the status sits; null when there is none (the caller reports it).
   * @param {ParentNode} scope
   * @param {string} text the scope's own text
   * @return {string|null}
   */
  function findStatus(scope, text) {
    const labelled = labelRe_(STATUS_LABELS, "([^\\s:：，,;；]+)").exec(text);
    if (labelled && !isPlaceholder(labelled[1])) return labelled[1];
    for (const leaf of leaves(scope)) {
      const t = clean(leaf.textContent);
      if (statusMeaning(t)) return t;
    }
    return null;
  }

  /**
   * The platform code for an order from its tags, the tab, its status word and the
   * merchant's setting.
   * @param {string[]} tags
   * @param {string} href
   * @param {string} fallback the store platform from options ("" = jd)
   * @param {string|null} [status]
   * @return {string}
   */
  function platformOf(tags, href, fallback, status) {
    const all = tags.join(" ");
    if (/京喜/.test(all)) return "jingxi";
    if (/京东国际|跨境|海外|全球购/.test(all)) return "jd_international";
    if (/[?&]tabType=waitOverseasOut\b/.test(href)) return "jd_international";
    if (status && INTERNATIONAL_STATUSES.includes(status))
      return "jd_international";
    return fallback || "jd";
  }

  /**
   * Payment method and subsidy activity from an order's tags.
   * @param {Object<string, any>} order
   * @param {string[]} tags
   */
  function applyTags(order, tags) {
    if (tags.some((t) => /货到付款/.test(t))) order.payment_method = "cod";
    const subsidy = tags.find((t) => /百亿补贴|京享礼金|补贴/.test(t));
    if (subsidy) order.subsidy_activity = subsidy;
  }

  /**
   * 32-bit FNV-1a, hex: cheap, stable, enough to tell one card's data from another's.
   * @param {string} text
   * @return {string}
   */
  function hash(text) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0).toString(16).padStart(8, "0");
  }

  /**
   * Words for a value the page shows but we could not read, for the row to show.
   * @param {string} field contract name
   * @param {string} shown the text as the page shows it
   * @return {{field: string, shown: string, message: string, message_en: string}}
   */
  function unreadNote(field, shown) {
    const vocab = root.JDPG_VOCAB;
    const label = (vocab && vocab.fields && vocab.fields[field]) || {};
    const zh = label.zh || field;
    const en = label.en || field;
    return {
      field,
      shown,
      message: `页面显示的${zh}“${shown}”不是可读的时间或数值，未使用。`,
      message_en: `The ${en} the page shows ("${shown}") is not a readable time or number; not used.`,
    };
  }

  /**
   * The result every reader returns. `fatal` are the fields without which the order is not
   * checked at all (unreadable); `notes` are values the page shows that could not be read:
   * the order is still checked without them and the row can say so. `problems` names both.
   * @param {Object<string, any>} order
   * @param {string[]} fatal
   * @param {Array<{field: string, shown: string, message: string, message_en: string}>} notes
   * @param {any} [extra] more of what was read, so a change to it changes the key
   * @return {{ok: boolean, order: Object<string, any>, problems: string[], notes: Array<Object>, orderId: string|null, key: string}}
   */
  function finish(order, fatal, notes, extra) {
    const problems = fatal.concat(notes.map((n) => n.field));
    const data = JSON.stringify([order, extra || null]);
    const orderId = order.order_id || null;
    return {
      ok: fatal.length === 0,
      order,
      problems,
      notes,
      orderId,
      key: `${orderId || "?"}#${hash(data + "|" + problems.join(","))}`,
    };
  }

  /**
   * The outermost of a set of elements (none inside another of the set).
   * @param {Element[]} els
   * @return {Element[]}
   */
  function outermost(els) {
    return els.filter(
      (el) => !els.some((other) => other !== el && other.contains(el)),
    );
  }

  /** @type {Array<Object>} the page readers, each {kind, matches, findUnits, listAnchor, read} */
  const readers = [];

  /**
   * Adds a page reader (each read-*.js calls this once).
   * @param {{kind: string, matches: (u: URL) => boolean, findUnits: Function, listAnchor: Function, read: Function}} reader
   */
  function register(reader) {
    readers.push(Object.freeze(reader));
  }

  root.JdpgRead = Object.freeze({
    OWN_SELECTOR,
    TIME_LABELS,
    PROMISE_LABELS,
    AMOUNT_LABELS,
    ownText,
    clean,
    textAt,
    leaves,
    isPlaceholder,
    eventTimes,
    labeledTime,
    labeledValue,
    firstTime,
    fillLabeledTimes,
    addTimes,
    money,
    labeledMoney,
    digits,
    labeledOrderId,
    statusMeaning,
    statusOf,
    findStatus,
    platformOf,
    applyTags,
    hash,
    unreadNote,
    finish,
    outermost,
    readers,
    register,
  });
})(globalThis);
