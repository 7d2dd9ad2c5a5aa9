/**
 * Reader of today's order list, shop.jd.com/jdm/trade/orders/order-list (a Vue SPA): one
 * `.card` per order in `.jd-pro-card-table .table-body`. Structure as public code reading the
 * live page shows it (orange0606/jd-order-extension content/content.js, "基于2026新版京东商家
 * 后台DOM结构"; beak2825/greasyfork_archives js_greasyfork/490963.js):
 *   .card-header   .shop-order-id .order-info-btn span (the id), .order-time-info
 *                  ("… 下单，… 付款"), .order-tags-item .jd-tag__content (京配, 京喜 …)
 *   .card-content  .card-content-column[prop=goods|receivables|consigneeInfo|orderStatus|operation]
 *                  goods: .sku-info-card (.sku-name, .sku-info-card__right .config-view-item__value
 *                  = "¥12.90", "x2"); receivables: .config-view-item pairs, the amount first, then
 *                  运费; orderStatus: .order-status, .promise-out-ship-date.
 * Each field is found by structure first and then by its label text, so a renamed class
 * degrades to the label lookup instead of a wrong value.
 */
(function (root) {
  "use strict";

  const R = root.JdpgRead;

  const CARD_SELECTORS = [
    ".jd-pro-card-table .table-body > .card",
    ".table-body .card",
  ];

  function cardsOf_(doc) {
    for (const selector of CARD_SELECTORS) {
      const cards = Array.from(doc.querySelectorAll(selector));
      if (cards.length) return cards;
    }
    return R.outermost(
      Array.from(doc.querySelectorAll(".card")).filter((c) =>
        /订单号|订单编号/.test(c.textContent),
      ),
    );
  }

  /**
   * Each card, with its badge row placed right after the card's header.
   * @param {Document} doc
   * @return {Array<{el: Element, anchor: Element, position: "after"|"append", kind: string}>}
   */
  function findUnits(doc) {
    return cardsOf_(doc).map((card) => {
      let header =
        card.querySelector(":scope > .card-header") ||
        card.querySelector(".shop-order-id") ||
        card.querySelector('[class*="order-id"]');
      while (header && header.parentElement !== card)
        header = header.parentElement;
      return header
        ? { el: card, anchor: header, position: "after", kind: "orders" }
        : { el: card, anchor: card, position: "append", kind: "orders" };
    });
  }

  /**
   * The summary bar goes before the card table (its header included).
   * @param {Document} doc
   * @return {Element|null}
   */
  function listAnchor(doc) {
    const body = doc.querySelector(".table-body");
    if (!body) return null;
    const table = body.closest(".jd-pro-card-table");
    if (table) return table;
    const parent = body.parentElement;
    return parent && parent.querySelector(":scope > .table-header")
      ? parent
      : body;
  }

  function column_(card, prop) {
    return card.querySelector(`[prop="${prop}"]`);
  }

  /** Tags in the card's header; failing that, short texts of elements whose class says "tag". */
  function tagsOf_(card) {
    let els = card.querySelectorAll(
      ".order-tags-item .jd-tag__content, .order-tags .jd-tag__content",
    );
    if (!els.length)
      els = card.querySelectorAll('[class*="tag"]:not([class*="jdpg-"])');
    return Array.from(els)
      .filter((el) => !el.closest(R.OWN_SELECTOR) && !el.firstElementChild)
      .map((el) => R.clean(el.textContent))
      .filter((t) => t && t.length <= 12);
  }

  /**
   * One SKU line: name, price and quantity ("¥12.90" and "x2" are each a value of the
   * card's right side; older cards have them as bare leaves), SKU id from its labelled values.
   */
  function skuLine_(item) {
    const line = {
      name: R.textAt(item, ".sku-name") || null,
      sku: null,
      price: null,
      quantity: null,
    };
    const values = Array.from(
      item.querySelectorAll(".sku-info-card__right .config-view-item__value"),
    );
    const cells = values.length ? values : R.leaves(item);
    for (const cell of cells) {
      const t = R.clean(cell.textContent);
      const qty = /^[x×X*＊]\s*(\d+)$/.exec(t);
      if (qty && line.quantity === null) line.quantity = Number(qty[1]);
      else if (/^[¥￥]\s*\d/.test(t) && line.price === null)
        line.price = R.money(t);
    }
    for (const pair of item.querySelectorAll(".config-view-item")) {
      const label = R.textAt(pair, ".config-view-item__label");
      if (/sku/i.test(label))
        line.sku = R.digits(R.textAt(pair, ".config-view-item__value"));
    }
    return line;
  }

  function linesOf_(card) {
    let items = Array.from(card.querySelectorAll(".sku-info-card"));
    if (!items.length)
      items = Array.from(card.querySelectorAll(".sku-info-list__item"));
    return items.filter((el) => !el.closest(R.OWN_SELECTOR)).map(skuLine_);
  }

  /** The receivables column's label/value pairs: the amount (unlabelled, first), then 运费. */
  function receivables_(card) {
    const col = column_(card, "receivables");
    const out = { amount: null, freight: null, shown: "" };
    if (!col) return out;
    out.shown = R.clean(R.ownText(col));
    const pairs = Array.from(col.querySelectorAll(".config-view-item"));
    for (const pair of pairs) {
      const label = R.textAt(pair, ".config-view-item__label");
      const value = R.money(R.textAt(pair, ".config-view-item__value"));
      if (/运费/.test(label)) out.freight = out.freight || value;
      else if (out.amount === null) out.amount = value;
    }
    if (!pairs.length) out.amount = R.money(out.shown);
    return out;
  }

  /** The promise time JD shows: the element's text, and the time in it when there is one. */
  function promise_(card, text) {
    const el =
      card.querySelector(
        '[prop="orderStatus"] .promise-out-ship-date .jd-only-child__content',
      ) ||
      card.querySelector(
        ".promise-out-ship-date .jd-only-child__content, .promise-out-ship-date",
      );
    if (el && !el.closest(R.OWN_SELECTOR)) {
      const shown = R.clean(R.ownText(el));
      return { shown, time: R.firstTime(shown) };
    }
    // No promise element (a renamed class): a labelled time, or what the label shows.
    const time = R.labeledTime(text, R.PROMISE_LABELS);
    return {
      shown: time || R.labeledValue(text, R.PROMISE_LABELS) || "",
      time,
    };
  }

  function status_(card, text) {
    const col = column_(card, "orderStatus");
    const el =
      (col && col.querySelector(".order-status span")) ||
      (col && col.querySelector(".order-status")) ||
      card.querySelector(".order-status");
    return R.statusOf(el) || R.findStatus(card, text);
  }

  /**
   * One card. Unreadable (not checked) without its order id, its payment or placement
   * time, or any status at all (without one the API would take it as still to ship). A status
   * word the vocabulary does not hold is sent as shown; the API says it cannot judge it.
   * @param {Element} card
   * @param {{href: string, platform: string}} ctx
   */
  function read(card, ctx) {
    const fatal = [];
    const notes = [];
    const text = R.clean(R.ownText(card));
    const order = {};

    const id =
      R.digits(R.textAt(card, ".shop-order-id .order-info-btn span")) ||
      R.digits(R.textAt(card, ".shop-order-id .order-info-btn")) ||
      R.digits(R.textAt(card, ".shop-order-id")) ||
      R.labeledOrderId(text);
    if (id) order.order_id = id;
    else fatal.push("order_id");

    const timeText =
      R.textAt(card, ".order-time-info .shop-overflow-tooltip__content") ||
      R.textAt(card, ".order-time-info");
    R.addTimes(order, R.fillLabeledTimes(R.eventTimes(timeText), text));
    if (!order.paid_at && !order.placed_at) fatal.push("paid_at");

    const status = status_(card, text);
    if (status) order.order_status = status;
    else fatal.push("order_status");

    const promise = promise_(card, text);
    if (promise.time) order.shown_ship_by = promise.time;
    else if (!R.isPlaceholder(promise.shown))
      notes.push(R.unreadNote("shown_ship_by", promise.shown));

    const money = receivables_(card);
    const amount = money.amount || R.labeledMoney(text, R.AMOUNT_LABELS);
    if (amount) order.paid_amount = amount;
    else if (!R.isPlaceholder(money.shown))
      notes.push(R.unreadNote("paid_amount", money.shown));
    if (money.freight) order.freight_amount = money.freight;

    const lines = linesOf_(card);
    if (lines.length && lines.every((l) => l.quantity)) {
      order.quantity = lines.reduce((n, l) => n + l.quantity, 0);
    }
    if (lines.length && lines[0].name) order.item_name = lines[0].name;
    if (lines.length && lines[0].sku) order.sku_id = lines[0].sku;

    const tags = tagsOf_(card);
    order.platform = R.platformOf(tags, ctx.href, ctx.platform, status);
    R.applyTags(order, tags);
    return R.finish(order, fatal, notes, { lines, tags });
  }

  R.register({
    kind: "orders",
    matches: (u) =>
      u.hostname === "shop.jd.com" &&
      u.pathname.startsWith("/jdm/trade/orders/order-list"),
    findUnits,
    listAnchor,
    read,
  });
})(globalThis);
