/**
 * Reads orders out of the JD seller backend's pages. Pure DOM reading: no chrome.*, no
 * network, never writes to the page. Defines one global, `JdpgExtract`.
 *
 * Each field is found by structure first (the classes the page uses today) and then by
 * its label text, so a renamed class degrades to the label lookup instead of a wrong value.
 * A card whose id, times or status cannot be read is reported as unreadable, never guessed.
 */
(function (root) {
  "use strict";

  /** Our own nodes carry this attribute; everything else belongs to the page. */
  const OWN_SELECTOR = "[data-jdpg-own]";

  const DATETIME =
    "(\\d{4})[-/.年](\\d{1,2})[-/.月](\\d{1,2})日?[ T\\u00a0]*(\\d{1,2}):(\\d{2})(?::(\\d{2}))?";
  const DATETIME_RE = new RegExp(DATETIME);
  const MONEY_RE = /[¥￥]?\s*(-?\d[\d,]*(?:\.\d{1,2})?)/;
  const DATETIME_G = new RegExp(DATETIME, "g");

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
  const ORDER_ID_LABELS = ["订单号", "订单编号"];

  /** Order status words the rules core understands (its STATUS_WORDS); others are unreadable. */
  const KNOWN_STATUSES = [
    "等待确认收货",
    "等待付款",
    "等待出库",
    "等待发货",
    "交易完成",
    "订单取消",
    "待付款",
    "待出库",
    "待发货",
    "已出库",
    "已发货",
    "待收货",
    "已完成",
    "已收货",
    "已取消",
    "已锁定",
    "完成",
    "取消",
    "锁定",
    "暂停",
  ];

  /** @type {Array<{kind: "orders"|"legacy"|"after_sale", matches: (u: URL) => boolean}>} */
  const PAGES = [
    {
      kind: "orders",
      matches: (u) =>
        u.hostname === "shop.jd.com" &&
        u.pathname.startsWith("/jdm/trade/orders/order-list"),
    },
    {
      kind: "legacy",
      matches: (u) =>
        u.hostname === "porder.shop.jd.com" &&
        u.pathname.startsWith("/order/orderlist"),
    },
    {
      kind: "after_sale",
      matches: (u) =>
        u.hostname === "shop.jd.com" &&
        u.pathname.startsWith("/jdm/trade/after-sale"),
    },
  ];

  /**
   * Which of our pages a URL is.
   * @param {string} href
   * @return {"orders"|"legacy"|"after_sale"|null}
   */
  function pageKind(href) {
    let url;
    try {
      url = new URL(href);
    } catch (e) {
      return null;
    }
    const page = PAGES.find((p) => p.matches(url));
    return page ? page.kind : null;
  }

  /**
   * The text of an element without any of our own nodes inside it.
   * @param {Element|null} el
   * @return {string}
   */
  function ownText(el) {
    if (!el) return "";
    // Text nodes joined with a space: "订单号：" + "2357…" + "2022-06-16 …" must not run
    // together into one long number. A plain walk: no per-node filter callback, and our own
    // subtrees are skipped whole.
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

  function clean_(text) {
    return (text || "").replace(/\s+/g, " ").trim();
  }

  function textAt_(scope, selector) {
    const el = scope.querySelector(selector);
    if (!el || el.closest(OWN_SELECTOR)) return "";
    return clean_(el.firstElementChild ? ownText(el) : el.textContent);
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

  function firstTime_(text) {
    const m = DATETIME_RE.exec(text || "");
    return m ? timeFromMatch_(m) : null;
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

  function labeledMoney_(text, labels) {
    const m = labelRe_(labels, "[¥￥]?\\s*(\\d[\\d,]*(?:\\.\\d{1,2})?)").exec(
      text,
    );
    return m ? m[1].replace(/,/g, "") : null;
  }

  function digits_(text) {
    const m = /\d{6,20}/.exec(text || "");
    return m ? m[0] : null;
  }

  function labeledOrderId_(text) {
    // "服务单号" must not count as an order id, hence the look-behind.
    const m = /(?<!服务)(?:订单号|订单编号)\s*[:：]?\s*(\d{6,20})/.exec(text);
    return m ? m[1] : null;
  }

  function statusWord_(text) {
    return KNOWN_STATUSES.find((w) => text.includes(w)) || null;
  }

  function tagsOf_(scope) {
    let els = scope.querySelectorAll(".order-tags-item .jd-tag__content");
    // Fallback: short texts of elements whose class says "tag" (not our own badges).
    if (!els.length)
      els = scope.querySelectorAll('[class*="tag"]:not([class*="jdpg-"])');
    return Array.from(els)
      .filter((el) => !el.closest(OWN_SELECTOR) && !el.firstElementChild)
      .map((el) => clean_(el.textContent))
      .filter((t) => t && t.length <= 12);
  }

  /**
   * The platform code for an order from its tags, the tab, and the merchant's setting.
   * @param {string[]} tags
   * @param {string} href
   * @param {string} fallback the store platform from options ("" = jd)
   * @return {string}
   */
  function platformOf_(tags, href, fallback) {
    const all = tags.join(" ");
    if (/京喜/.test(all)) return "jingxi";
    if (/京东国际|跨境|海外|全球购/.test(all)) return "jd_international";
    if (/[?&]tabType=waitOverseasOut\b/.test(href)) return "jd_international";
    return fallback || "jd";
  }

  function applyTags_(order, tags) {
    if (tags.some((t) => /货到付款/.test(t))) order.payment_method = "cod";
    const subsidy = tags.find((t) => /百亿补贴|京享礼金|补贴/.test(t));
    if (subsidy) order.subsidy_activity = subsidy;
  }

  function addTimes_(order, times) {
    for (const field of Object.keys(TIME_LABELS)) {
      if (times[field]) order[field] = times[field];
    }
  }

  function fillLabeledTimes_(times, text) {
    for (const [field, labels] of Object.entries(TIME_LABELS)) {
      if (!times[field]) {
        const t = labeledTime(text, labels);
        if (t) times[field] = t;
      }
    }
    return times;
  }

  /** 32-bit FNV-1a, hex: cheap, stable, enough to tell one card's data from another's. */
  function hash(text) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0).toString(16).padStart(8, "0");
  }

  function finish_(order, problems, extra) {
    const data = JSON.stringify([order, extra || null]);
    const orderId = order.order_id || null;
    return {
      ok: problems.length === 0,
      order,
      problems,
      orderId,
      key: `${orderId || "?"}#${hash(data + "|" + problems.join(","))}`,
    };
  }

  /**
   * One card of today's order list (a Vue SPA).
   * @param {Element} card
   * @param {{href: string, platform: string}} ctx
   */
  function extractOrderCard(card, ctx) {
    const problems = [];
    const text = clean_(ownText(card));
    const order = {};
    const id =
      digits_(textAt_(card, ".shop-order-id .order-info-btn span")) ||
      digits_(textAt_(card, ".shop-order-id")) ||
      labeledOrderId_(text);
    if (id) order.order_id = id;
    else problems.push("order_id");

    const timeText =
      textAt_(card, ".order-time-info .shop-overflow-tooltip__content") ||
      textAt_(card, ".order-time-info");
    const times = fillLabeledTimes_(eventTimes(timeText), text);
    addTimes_(order, times);
    if (!order.paid_at && !order.placed_at) problems.push("paid_at");

    const promise =
      firstTime_(
        textAt_(card, ".promise-out-ship-date .jd-only-child__content"),
      ) ||
      firstTime_(textAt_(card, ".promise-out-ship-date")) ||
      labeledTime(text, PROMISE_LABELS);
    if (promise) order.shown_ship_by = promise;

    const statusText =
      textAt_(card, '[prop="orderStatus"] .order-status span') ||
      textAt_(card, '[prop="orderStatus"] .order-status') ||
      textAt_(card, '[prop="orderStatus"]');
    const status = statusText ? statusWord_(statusText) : statusWord_(text);
    if (status) order.order_status = status;
    else problems.push("order_status");

    const amount =
      money(textAt_(card, '[prop="receivables"]')) ||
      labeledMoney_(text, AMOUNT_LABELS);
    if (amount) order.paid_amount = amount;

    const lines = Array.from(card.querySelectorAll(".sku-info-list__item")).map(
      skuLine_,
    );
    if (lines.length && lines.every((l) => l.quantity)) {
      order.quantity = lines.reduce((n, l) => n + l.quantity, 0);
    }

    const tags = tagsOf_(card);
    order.platform = platformOf_(tags, ctx.href, ctx.platform);
    applyTags_(order, tags);
    return finish_(order, problems, { lines, tags });
  }

  /**
   * One row of the legacy iView order table.
   * @param {Element} row a tr
   * @param {{href: string, platform: string}} ctx
   */
  function extractLegacyRow(row, ctx) {
    const problems = [];
    const text = clean_(ownText(row));
    const order = {};
    const id = digits_(textAt_(row, ".orderid-mr10")) || labeledOrderId_(text);
    if (id) order.order_id = id;
    else problems.push("order_id");

    const labeled = fillLabeledTimes_({}, text);
    addTimes_(order, Object.assign(eventTimes(text), labeled));
    if (!order.paid_at && !order.placed_at) problems.push("paid_at");

    const promise = labeledTime(text, PROMISE_LABELS);
    if (promise) order.shown_ship_by = promise;

    const status = statusWord_(text);
    if (status) order.order_status = status;
    else problems.push("order_status");

    const amount = labeledMoney_(text, AMOUNT_LABELS);
    if (amount) order.paid_amount = amount;

    const tags = Array.from(row.querySelectorAll(".ivu-tag-text, .ivu-tag"))
      .map((el) => clean_(el.textContent))
      .filter(Boolean);
    order.platform = platformOf_(tags, ctx.href, ctx.platform);
    applyTags_(order, tags);
    return finish_(order, problems, { tags });
  }

  /**
   * One service order (售后单) of the after-sales list: the return rules' inputs.
   * @param {Element} unit a card or a tr
   * @param {{href: string, platform: string}} ctx
   */
  function extractAfterSale(unit, ctx) {
    const problems = [];
    const text = clean_(ownText(unit));
    const order = {};
    const id =
      labeledOrderId_(text) ||
      digits_(textAt_(unit, ".shop-order-id, .order-id"));
    if (id) order.order_id = id;
    else problems.push("order_id");

    const times = fillLabeledTimes_({}, text);
    addTimes_(order, times);
    const request = {};
    const requested = labeledTime(text, [
      "申请时间",
      "提交时间",
      "申请售后时间",
    ]);
    if (requested) request.requested_at = requested;
    const waybill = labeledTime(text, [
      "运单上传时间",
      "上传运单时间",
      "回寄时间",
      "寄回时间",
    ]);
    if (waybill) request.waybill_uploaded_at = waybill;
    if (!order.received_at && !request.requested_at)
      problems.push("received_at");

    const tags = Array.from(
      unit.querySelectorAll(
        ".order-tags-item .jd-tag__content, .jd-tag__content, .ivu-tag-text",
      ),
    )
      .map((el) => clean_(el.textContent))
      .filter(Boolean);
    const tagText = tags.join(" ");
    const services = {};
    if (/闪电退款/.test(tagText)) {
      services.lightning_refund = true;
      request.in_lightning_scope = true;
    }
    if (/运费险/.test(tagText)) services.freight_insurance = true;
    if (/上门取件|上门取退/.test(tagText + " " + text)) request.pickup = true;
    if (/不支持7天无理由|不支持七天无理由/.test(tagText + " " + text))
      request.no_reason_excluded = true;
    const level =
      /(?:用户等级|魔镜等级|会员等级)\s*[:：]?\s*([A-Za-z]+\d*\+?)/.exec(text);
    if (level) request.user_level = level[1];
    if (Object.keys(request).length) order.return_request = request;
    if (Object.keys(services).length) order.services = services;

    const amount = labeledMoney_(text, [
      "实付金额",
      "实付",
      "订单金额",
      "商品金额",
    ]);
    if (amount) order.paid_amount = amount;
    order.platform = platformOf_(tags, ctx.href, ctx.platform);
    const serviceId = /服务单号\s*[:：]?\s*(\d{6,20})/.exec(text);
    return finish_(order, problems, {
      serviceId: serviceId ? serviceId[1] : null,
      tags,
    });
  }

  /** Price and quantity of one SKU line: "¥12.90" and "x2" are each their own leaf. */
  function skuLine_(item) {
    let price = null;
    let quantity = null;
    for (const leaf of item.querySelectorAll("*")) {
      if (leaf.children.length) continue;
      const t = clean_(leaf.textContent);
      const qty = /^[x×X*＊]\s*(\d+)$/.exec(t);
      if (qty && quantity === null) quantity = Number(qty[1]);
      else if (/^[¥￥]\s*\d/.test(t) && price === null) price = money(t);
    }
    if (quantity === null) {
      const tail = /[x×X*＊]\s*(\d+)\s*$/.exec(clean_(ownText(item)));
      if (tail) quantity = Number(tail[1]);
    }
    return { price, quantity };
  }

  function outermost_(els) {
    return els.filter(
      (el) => !els.some((other) => other !== el && other.contains(el)),
    );
  }

  /**
   * The order units on a page, each with where our badge row goes.
   * @param {Document} doc
   * @param {string} kind from pageKind()
   * @return {Array<{el: Element, anchor: Element, position: "after"|"append", kind: string}>}
   */
  function findUnits(doc, kind) {
    if (kind === "orders" || kind === "after_sale") {
      let cards = Array.from(doc.querySelectorAll(".table-body .card"));
      if (!cards.length) {
        cards = outermost_(
          Array.from(doc.querySelectorAll(".card")).filter((c) =>
            /订单号|订单编号|服务单号/.test(c.textContent),
          ),
        );
      }
      if (cards.length || kind === "orders") {
        return cards.map((card) => {
          const idEl =
            card.querySelector(".shop-order-id") ||
            card.querySelector('[class*="order-id"]');
          let header = idEl;
          while (header && header.parentElement !== card)
            header = header.parentElement;
          return header
            ? { el: card, anchor: header, position: "after", kind }
            : { el: card, anchor: card, position: "append", kind };
        });
      }
    }
    const rowSelector =
      kind === "legacy" ? "tbody.shopweb-table-tbody > tr" : "tbody > tr";
    let rows = Array.from(doc.querySelectorAll(rowSelector));
    if (!rows.length && kind === "legacy")
      rows = Array.from(doc.querySelectorAll("tbody > tr"));
    return rows
      .filter((tr) => !tr.closest(OWN_SELECTOR) && tr.querySelector("td"))
      .filter((tr) =>
        kind === "legacy"
          ? tr.querySelector(".orderid-mr10") ||
            /订单号|订单编号/.test(tr.textContent) ||
            DATETIME_RE.test(tr.textContent)
          : /订单号|订单编号|服务单号/.test(tr.textContent),
      )
      .map((tr) => {
        const idEl = tr.querySelector(".orderid-mr10");
        const cell = (idEl && idEl.closest("td")) || tr.querySelector("td");
        return { el: tr, anchor: cell, position: "append", kind };
      });
  }

  /**
   * Where the summary bar goes: before the list (its table wrapper when it has one).
   * @param {Document} doc
   * @param {string} kind
   * @return {Element|null}
   */
  function listAnchor(doc, kind) {
    if (kind === "legacy") {
      const body =
        doc.querySelector("tbody.shopweb-table-tbody") ||
        doc.querySelector("tbody");
      if (!body) return null;
      return body.closest(".ivu-table-wrapper") || body.closest("table");
    }
    const body = doc.querySelector(".table-body");
    if (body) {
      const parent = body.parentElement;
      return parent && parent.querySelector(":scope > .table-header")
        ? parent
        : body;
    }
    const table = doc.querySelector("tbody");
    return table ? table.closest("table") : null;
  }

  /**
   * Reads one unit with the reader for its page.
   * @param {{el: Element, kind: string}} unit
   * @param {{href: string, platform: string}} ctx
   * @return {{ok: boolean, order: Object<string, any>, problems: string[], orderId: string|null, key: string}}
   */
  function extract(unit, ctx) {
    if (unit.kind === "legacy") return extractLegacyRow(unit.el, ctx);
    if (unit.kind === "after_sale") return extractAfterSale(unit.el, ctx);
    return extractOrderCard(unit.el, ctx);
  }

  root.JdpgExtract = Object.freeze({
    OWN_SELECTOR,
    pageKind,
    findUnits,
    listAnchor,
    extract,
    eventTimes,
    labeledTime,
    money,
    hash,
    ownText,
  });
})(globalThis);
