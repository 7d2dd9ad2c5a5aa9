// A stand-in for the JD seller backend's Vue order list (shop.jd.com/jdm/trade/orders/order-list).
// It renders the same structure as the real page: one .card per order inside .table-body, and
// re-renders the way a Vue app does: a tab switch replaces the cards (pushState, new elements),
// paging patches the existing card elements in place, "刷新" re-creates identical cards.
(function () {
  "use strict";

  function o(
    id,
    placed,
    paid,
    promise,
    status,
    tags,
    skus,
    receivable,
    timeText,
  ) {
    return {
      id,
      placed,
      paid,
      promise,
      status,
      tags,
      skus,
      receivable,
      timeText,
    };
  }
  const tissue = [["清风抽纸 3层120抽*24包 整箱", "¥12.90", "x2"]];
  const DATA = {
    allOrders: [
      [
        o(
          "235711131719",
          "2022-06-16 09:58:02",
          "2022-06-16 10:00:00",
          "2022-06-20 10:00:00",
          "等待出库",
          ["京喜", "百亿补贴"],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131720",
          "2022-06-18 13:59:40",
          "2022-06-18 14:00:00",
          "2022-06-20 14:00:00",
          "等待出库",
          [],
          [["维达超韧卷纸 4层140g*27卷", "¥59.90", "x1"]],
          "¥59.90",
        ),
        o(
          "235711131721",
          "2022-06-19 08:59:12",
          "2022-06-19 09:00:00",
          "2022-06-21 09:00:00",
          "等待出库",
          ["京配"],
          [
            ["心相印湿巾 80片*6包", "¥29.90", "x1"],
            ["心相印手帕纸 18包", "¥9.90", "x2"],
          ],
          "¥49.70",
        ),
        o(
          "235711131722",
          "2022-06-17 08:00:00",
          "2022-06-17 08:00:05",
          "2022-06-21 08:00:05",
          "等待确认收货",
          ["京喜"],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131723",
          "2022-06-16 19:59:30",
          "2022-06-16 20:00:00",
          "2022-06-18 20:00:00",
          "等待出库",
          ["京喜"],
          [["洁柔面巾纸 3层100抽*18包", "¥39.90", "x1"]],
          "¥39.90",
        ),
        o("235711131724", "", "", "", "等待出库", [], tissue, "¥25.80", "—"),
        o(
          "235711131725",
          "2022-06-19 10:00:00",
          "",
          "2022-06-21 10:00:00",
          "等待出库",
          ["货到付款"],
          [["得宝迷你纸手帕 4层*36包", "¥32.90", "x1"]],
          "¥32.90",
        ),
        o(
          "235711131726",
          "2022-06-15 09:00:00",
          "2022-06-15 09:00:10",
          "",
          "已取消",
          [],
          tissue,
          "¥25.80",
        ),
      ],
      [
        o(
          "235711131801",
          "2022-06-05 09:59:00",
          "2022-06-05 10:00:00",
          "2022-06-07 10:00:00",
          "等待出库",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131802",
          "2022-06-19 19:59:00",
          "2022-06-19 20:00:00",
          "2022-06-21 20:00:00",
          "等待出库",
          [],
          [["清风原木纯品卷纸 4层*10卷", "¥19.90", "x3"]],
          "¥59.70",
        ),
        o(
          "235711131803",
          "2022-06-10 11:00:00",
          "2022-06-10 11:00:30",
          "2022-06-12 11:00:30",
          "已完成",
          [],
          tissue,
          "¥25.80",
        ),
      ],
    ],
    waitOverseasOut: [
      [
        o(
          "235711131901",
          "2022-06-18 09:59:00",
          "2022-06-18 10:00:00",
          "2022-06-20 10:00:00",
          "等待出库",
          [],
          [["Kleenex 舒洁 湿厕纸 40片*4包（海外直采）", "¥45.00", "x1"]],
          "¥45.00",
        ),
        o(
          "235711131902",
          "2022-06-19 18:29:00",
          "2022-06-19 18:30:00",
          "2022-06-21 18:30:00",
          "等待出库",
          [],
          [["Scott 卷纸 12卷（海外直采）", "¥88.00", "x1"]],
          "¥88.00",
        ),
      ],
    ],
  };
  DATA.waitOut = [
    DATA.allOrders[0].filter((x) => x.status === "等待出库" && x.paid),
  ];

  /** ?pageSize=N: a synthetic page of N pending orders for the timing run. */
  function bigPage(n) {
    const out = [];
    for (let i = 0; i < n; i++) {
      const minute = String(i % 60).padStart(2, "0");
      const hour = String(8 + Math.floor(i / 60)).padStart(2, "0");
      out.push(
        o(
          String(235711140000 + i),
          `2022-06-19 ${hour}:${minute}:00`,
          `2022-06-19 ${hour}:${minute}:30`,
          "",
          "等待出库",
          i % 3 ? [] : ["京喜"],
          tissue,
          "¥25.80",
        ),
      );
    }
    return [out];
  }

  const params = new URLSearchParams(location.search);
  const state = { tab: params.get("tabType") || "allOrders", page: 0 };
  const big = Number(params.get("pageSize")) || 0;
  const relabeled = params.get("variant") === "relabeled";

  function pages() {
    return big ? bigPage(big) : DATA[state.tab] || [[]];
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function fillCard(card, x) {
    card.querySelector(".order-info-btn span").textContent = x.id;
    card.querySelector(".shop-overflow-tooltip__content").textContent =
      x.timeText ||
      [x.placed && `${x.placed} 下单`, x.paid && `${x.paid} 付款`]
        .filter(Boolean)
        .join("，");
    card.querySelector(".jd-only-child__content").textContent =
      x.promise || "--";
    card.querySelector('[prop="orderStatus"] .order-status span').textContent =
      x.status;
    card.querySelector('[prop="receivables"]').textContent = x.receivable;
    const tags = card.querySelector(".order-tags");
    tags.textContent = "";
    for (const t of x.tags) {
      const item = el("span", "order-tags-item");
      const tag = el("span", "jd-tag");
      tag.appendChild(el("span", "jd-tag__content", t));
      item.appendChild(tag);
      tags.appendChild(item);
    }
    const list = card.querySelector(".sku-info-list");
    list.textContent = "";
    for (const [name, price, qty] of x.skus) {
      const item = el("div", "sku-info-list__item");
      item.append(
        el("span", "sku-name", name),
        el("span", "sku-price", price),
        el("span", "sku-num", qty),
      );
      list.appendChild(item);
    }
  }

  /**
   * ?variant=relabeled: the same orders after a (hypothetical) redesign that renamed every
   * class inside the card; only the labels' text stays. The extension must fall back to it.
   */
  function relabeledCard(x) {
    const card = el("div", "card");
    const header = el("div", "hd");
    const no = el("div", "ord-no", "订单编号：");
    no.appendChild(el("a", "", x.id));
    const times = el("div", "ord-times");
    if (x.placed) times.appendChild(el("p", "", `下单时间：${x.placed}`));
    if (x.paid) times.appendChild(el("p", "", `付款时间：${x.paid}`));
    const tags = el("div", "ord-tag-list");
    for (const t of x.tags) tags.appendChild(el("span", "tag-chip", t));
    header.append(
      no,
      times,
      tags,
      el("div", "ord-promise", `承诺发货时间：${x.promise || "--"}`),
    );
    const body = el("div", "bd");
    for (const [name, price, qty] of x.skus)
      body.appendChild(el("div", "", `${name} ${price} ${qty}`));
    body.append(
      el("div", "", `应收金额：${x.receivable}`),
      el("div", "state", x.status),
    );
    card.append(header, body);
    return card;
  }

  function newCard(x) {
    if (relabeled) return relabeledCard(x);
    const card = el("div", "card");
    const header = el("div", "card-header");
    const id = el("div", "shop-order-id", "订单号：");
    const btn = el("span", "order-info-btn");
    btn.appendChild(el("span"));
    id.appendChild(btn);
    const time = el("div", "order-time-info");
    const tip = el("div", "shop-overflow-tooltip");
    tip.appendChild(el("span", "shop-overflow-tooltip__content"));
    time.appendChild(tip);
    const promise = el("div", "promise-out-ship-date", "承诺发货时间：");
    const only = el("span", "jd-only-child");
    only.appendChild(el("span", "jd-only-child__content"));
    promise.appendChild(only);
    header.append(id, time, el("div", "order-tags"), promise);
    const body = el("div", "card-body");
    const goods = el("div", "cell");
    goods.setAttribute("prop", "goods");
    goods.appendChild(el("div", "sku-info-list"));
    const receivables = el("div", "cell");
    receivables.setAttribute("prop", "receivables");
    const status = el("div", "cell");
    status.setAttribute("prop", "orderStatus");
    const st = el("div", "order-status");
    st.appendChild(el("span"));
    status.appendChild(st);
    const ops = el("div", "cell", "");
    ops.setAttribute("prop", "operation");
    ops.appendChild(el("button", "op-btn", "查看详情"));
    body.append(goods, receivables, status, ops);
    card.append(header, body);
    fillCard(card, x);
    return card;
  }

  /** New elements for every card (a tab switch, or Vue re-creating the list). */
  function renderList() {
    const body = document.querySelector(".table-body");
    body.replaceChildren(...(pages()[state.page] || []).map(newCard));
    renderPager();
  }

  /** The same card elements, patched with another page's data (paging). */
  function patchList() {
    const body = document.querySelector(".table-body");
    const rows = pages()[state.page] || [];
    const cards = Array.from(body.children);
    rows.forEach((x, i) =>
      cards[i] ? fillCard(cards[i], x) : body.appendChild(newCard(x)),
    );
    cards.slice(rows.length).forEach((c) => c.remove());
    renderPager();
  }

  function renderPager() {
    const pager = document.querySelector(".jd-pager");
    pager.textContent = "";
    pages().forEach((_, i) => {
      const b = el(
        "button",
        i === state.page ? "is-active" : "",
        String(i + 1),
      );
      b.dataset.page = String(i);
      b.addEventListener("click", () => {
        state.page = i;
        patchList();
      });
      pager.appendChild(b);
    });
  }

  function renderShell() {
    const app = document.getElementById("app");
    const page = el("div", "page");
    const tabs = el("div", "jd-tabs");
    for (const [key, label] of [
      ["allOrders", "全部订单"],
      ["waitOut", "待出库"],
      ["waitOverseasOut", "待海外出库"],
    ]) {
      const t = el(
        "span",
        `jd-tab${key === state.tab ? " is-active" : ""}`,
        label,
      );
      t.dataset.tab = key;
      t.addEventListener("click", () => {
        state.tab = key;
        state.page = 0;
        history.pushState({}, "", `?tabType=${key}`);
        tabs
          .querySelectorAll(".jd-tab")
          .forEach((x) =>
            x.classList.toggle("is-active", x.dataset.tab === key),
          );
        renderList();
      });
      tabs.appendChild(t);
    }
    const toolbar = el("div", "toolbar");
    const refresh = el("button", "refresh-btn", "刷新");
    refresh.addEventListener("click", renderList);
    const banner = el("button", "banner-btn", "公告");
    banner.addEventListener("click", () => {
      const old = document.querySelector(".banner");
      if (old) old.remove();
      else
        page.insertBefore(el("div", "banner", "618 大促期间请及时发货"), tabs);
    });
    toolbar.append(refresh, banner);
    const table = el("div", "order-table");
    const head = el("div", "table-header");
    for (const h of ["商品信息", "应收", "订单状态", "操作"])
      head.appendChild(el("span", "", h));
    table.append(head, el("div", "table-body"));
    page.append(tabs, toolbar, table, el("div", "jd-pager"));
    app.appendChild(page);
    renderList();
    document.documentElement.dataset.fixtureListMs = performance
      .now()
      .toFixed(1);
  }

  // Like a SPA, the list arrives a little after the document is ready.
  setTimeout(renderShell, 30);
})();
