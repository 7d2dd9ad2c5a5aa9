/**
 * Try-it mode: renders the demo's sample orders as a JD-like card order list (see the
 * comment in try-order-list.html for the structure), with every time moved by whole days so
 * the list is current: some orders still to ship, some at risk, some overdue. `?orderId=…`
 * (where the extension's triage list links) scrolls to that order. Builds DOM only; the
 * extension, when installed, annotates it as it does the seller backend's list.
 */
(function () {
  "use strict";

  const DAY_MS = 24 * 3600 * 1000;
  const BEIJING_MS = 8 * 3600 * 1000;
  const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  /** A Beijing "YYYY-MM-DD HH:MM:SS" moved by `days`. */
  function shift(text, days) {
    const m = TIME_RE.exec(text || "");
    if (!m) return "";
    const ms =
      Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + days * DAY_MS;
    return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
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
    const shown = o.shown_ship_by || o.promised_ship_by;
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
    for (const entry of sample.orders) body.appendChild(card(entry, days));
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
