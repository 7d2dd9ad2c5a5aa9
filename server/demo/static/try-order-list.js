/**
 * Try-it mode: renders the demo's sample orders as a JD-like card order list (see the
 * comment in try-order-list.html for the structure), each order moved by whole days so the
 * list is current and each order's story stays true (see `moveDays`): some orders still to
 * ship, some at risk, some overdue. `?orderId=…` (where the extension's triage list links)
 * scrolls to that order. Builds DOM only; the extension, when installed, annotates it as it
 * does the seller backend's list.
 */
(function () {
  "use strict";

  const DAY_MS = 24 * 3600 * 1000;
  const HOUR_MS = 3600 * 1000;
  const BEIJING_MS = 8 * HOUR_MS;
  const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
  /** Outside a campaign the rules give 48 h to ship; a JD time further from payment came from one. */
  const PLAIN_SHIP_HOURS = 48;
  /** The times JD shows as deadlines (the rest are things that happened). */
  const DEADLINE_FIELDS = ["shown_ship_by", "promised_ship_by"];

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  /** A Beijing "YYYY-MM-DD HH:MM:SS" as an instant, or NaN when it is no real time (06-31). */
  function instant(text) {
    const m = TIME_RE.exec(text || "");
    if (!m) return NaN;
    const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) - BEIJING_MS;
    const back = new Date(ms + BEIJING_MS).toISOString().slice(0, 19).replace("T", " ");
    return back === text.replace("T", " ") ? ms : NaN;
  }

  /**
   * A Beijing time moved by `days`. A text that is no real time (the export's impossible date)
   * is shown as it came, so the order stays as bad as it was.
   */
  function shift(text, days) {
    const ms = instant(text);
    if (Number.isNaN(ms)) return text || "";
    return new Date(ms + BEIJING_MS + days * DAY_MS)
      .toISOString()
      .slice(0, 19)
      .replace("T", " ");
  }

  /** Every time in an order that says when something happened (not a deadline), as instants. */
  function eventTimes(value, key) {
    if (typeof value === "string")
      return DEADLINE_FIELDS.includes(key) ? [] : [instant(value)].filter((t) => !Number.isNaN(t));
    if (value && typeof value === "object")
      return Object.entries(value).flatMap(([k, v]) => eventTimes(v, k));
    return [];
  }

  /**
   * Whole days to move one order: the days from the sample's "as of" to today, or fewer, so
   * that nothing it tells of (placed, paid, shipped, received, claimed…) lies after `now`.
   */
  function moveDays(order, days, now) {
    const latest = Math.max(...eventTimes(order), -Infinity);
    if (latest + days * DAY_MS <= now) return days;
    return Math.floor((now - latest) / DAY_MS);
  }

  /**
   * The time JD shows for shipping, unless it came from a campaign's 96-hour day: moved out of
   * the campaign, the order has 48 h, and a JD time saying otherwise would contradict the
   * badge. Such a time is dropped ("--"), as JD shows none.
   */
  function shownShipBy(order) {
    const shown = order.shown_ship_by || order.promised_ship_by;
    if (!order.shown_ship_by) return shown;
    const paid = instant(order.paid_at || order.placed_at);
    const allowed = instant(shown) - paid;
    return allowed > PLAIN_SHIP_HOURS * HOUR_MS ? null : shown;
  }

  function column(prop) {
    const c = el("div", "card-content-column");
    c.setAttribute("prop", prop);
    return c;
  }

  function card(entry, days) {
    const o = entry.order;
    const d = entry.display || {};
    const root = el("div", "card");
    root.dataset.orderId = o.order_id;
    const header = el("div", "card-header");
    const id = el("div", "shop-order-id", "订单号：");
    const btn = el("button", "jd-button order-info-btn");
    btn.type = "button";
    btn.appendChild(el("span", "", o.order_id));
    id.appendChild(btn);
    const times = [];
    if (o.placed_at) times.push(`${shift(o.placed_at, days)} 下单`);
    if (o.paid_at) times.push(`${shift(o.paid_at, days)} 付款`);
    const time = el("div", "order-time-info");
    const tip = el("div", "shop-overflow-tooltip");
    tip.appendChild(
      el("span", "shop-overflow-tooltip__content", times.join("，")),
    );
    time.appendChild(tip);
    const tags = el("div", "order-tags");
    for (const t of d.tags || []) {
      const item = el("span", "order-tags-item");
      item.appendChild(el("span", "jd-tag__content", t));
      tags.appendChild(item);
    }
    header.append(id, time, tags);

    const content = el("div", "card-content");
    const goods = column("goods");
    const sku = el("div", "sku-info-card");
    sku.appendChild(el("div", "sku-name", d.sku || ""));
    const right = el("div", "sku-info-card__right");
    right.append(
      el(
        "span",
        "config-view-item__value",
        o.paid_amount ? `¥${o.paid_amount}` : "--",
      ),
      el("span", "config-view-item__value", `x${o.quantity || 1}`),
    );
    sku.appendChild(right);
    goods.appendChild(sku);
    const money = column("receivables");
    const pair = el("div", "config-view-item");
    pair.append(
      el("span", "config-view-item__label", ""),
      el(
        "span",
        "config-view-item__value",
        o.paid_amount ? `¥${o.paid_amount}` : "--",
      ),
    );
    money.appendChild(pair);
    const consignee = column("consigneeInfo");
    consignee.append(
      el("div", "cons-name-text", "王**"),
      el("div", "cons-address-text", "陕西安康市紫阳县**********"),
    );
    const status = column("orderStatus");
    const st = el("div", "order-status");
    st.appendChild(el("span", "", d.status || o.order_status || "等待出库"));
    const promise = el("div", "promise-out-ship-date");
    const only = el("span", "jd-only-child");
    const shown = shownShipBy(o);
    only.appendChild(
      el("span", "jd-only-child__content", shown ? shift(shown, days) : "--"),
    );
    promise.appendChild(only);
    status.append(st, promise);
    const ops = column("operation");
    ops.appendChild(el("span", "", "查看详情"));
    content.append(goods, money, consignee, status, ops);
    root.append(header, content);
    return root;
  }

  async function start() {
    const app = document.getElementById("app");
    const response = await fetch("/demo/sample-orders.json");
    const sample = await response.json();
    // Whole days from the sample's "as of" to today (Beijing): times of day stay as they were.
    const asOf = Date.parse(sample.as_of);
    const days =
      Math.floor((Date.now() + BEIJING_MS) / DAY_MS) -
      Math.floor((asOf + BEIJING_MS) / DAY_MS);
    const table = el("div", "jd-pro-card-table");
    const head = el("div", "table-header");
    for (const t of ["商品", "应收", "收货人", "订单状态", "操作"])
      head.appendChild(el("div", "", t));
    const body = el("div", "table-body");
    const now = Date.now();
    for (const entry of sample.orders)
      body.appendChild(card(entry, moveDays(entry.order, days, now)));
    table.append(head, body);
    app.appendChild(table);
    const target = new URLSearchParams(location.search).get("orderId");
    const hit =
      target &&
      body.querySelector(`.card[data-order-id="${CSS.escape(target)}"]`);
    if (hit) {
      hit.classList.add("is-target");
      hit.scrollIntoView({ block: "center" });
    }
    document.documentElement.dataset.tryDays = String(days);
  }

  start();
})();
