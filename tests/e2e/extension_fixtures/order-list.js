// A stand-in for the JD seller backend's Vue order list (shop.jd.com/jdm/trade/orders/order-list).
// The card's structure is the one public code reading the live page relies on:
//   orange0606/jd-order-extension content/content.js ("基于2026新版京东商家后台DOM结构"): the
//     selectors .shop-order-id .order-info-btn span, .order-time-info .shop-overflow-tooltip__content
//     ("2026-08-06 01:22:42 下单，2026-08-06 01:25:04 付款"), .sku-info-list__item, .sku-name,
//     .card-left__desc .config-view-item (spec, 货号, skuId), .sku-info-card__right
//     .config-view-item__value (price, "x2"), [prop="receivables"] .config-view-item__value
//     (amount first, then the 运费 label and its value), [prop="consigneeInfo"] .cons-address-text
//     / .cons-mobile-phone-text / .user-pin, [prop="orderStatus"] .order-status span and
//     .promise-out-ship-date .jd-only-child__content, .order-tags-item .jd-tag__content;
//   beak2825/greasyfork_archives js_greasyfork/490963.js: .jd-pro-card-table .table-body .card,
//     .sku-info-list__item .sku-info-card, .cons-name-text, .deliver-info, the .el-pager pager.
// Status words are JD's own (docs/supported-inputs.md, "Order status words"). What no source shows is made up
// plainly: the text inside .promise-out-ship-date (its format is documented nowhere; one card
// shows a text that is not a time), the column order, the pager's buttons.
// It re-renders the way a Vue app does: a tab switch replaces the cards (pushState, new elements),
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
  // [name, price, quantity, skuId]
  const tissue = [
    ["清风抽纸 3层120抽*24包 整箱", "¥12.90", "x2", "100012043978"],
  ];
  const one = (name, price, sku) => [[name, price, "x1", sku]];
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
          one("维达超韧卷纸 4层140g*27卷", "¥59.90", "100004325476"),
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
            ["心相印湿巾 80片*6包", "¥29.90", "x1", "100009464821"],
            ["心相印手帕纸 18包", "¥9.90", "x2", "100002738650"],
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
          one("洁柔面巾纸 3层100抽*18包", "¥39.90", "100011386554"),
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
          one("得宝迷你纸手帕 4层*36包", "¥32.90", "100003219311"),
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
          [["清风原木纯品卷纸 4层*10卷", "¥19.90", "x3", "100006589120"]],
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
      // Page 3: one card for every status word of docs/supported-inputs.md, an unknown word, a promise
      // text that is not a time, and a three-line order.
      [
        o(
          "235711131811",
          "2022-06-20 09:30:00",
          "",
          "",
          "等待付款",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131812",
          "2022-06-19 07:59:30",
          "2022-06-19 08:00:00",
          "",
          "完成",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131813",
          "2022-06-15 09:59:00",
          "2022-06-15 10:00:00",
          "2022-06-17 10:00:00",
          "锁定",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131814",
          "2022-06-15 10:59:00",
          "2022-06-15 11:00:00",
          "2022-06-17 11:00:00",
          "锁定订单",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131815",
          "2022-06-16 08:59:00",
          "2022-06-16 09:00:00",
          "2022-06-18 09:00:00",
          "暂停订单",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131816",
          "2022-06-19 15:59:00",
          "2022-06-19 16:00:00",
          "",
          "已出库",
          ["京配"],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131817",
          "2022-06-19 19:59:00",
          "2022-06-19 20:00:00",
          "2022-06-21 20:00:00",
          "等待境外出库",
          [],
          one(
            "Kleenex 舒洁 湿厕纸 40片*4包（海外直采）",
            "¥45.00",
            "100014870752",
          ),
          "¥45.00",
        ),
        o(
          "235711131818",
          "2022-06-18 12:59:00",
          "2022-06-18 13:00:00",
          "2022-06-20 13:00:00",
          "等待境内发货",
          [],
          one("Scott 卷纸 12卷（海外直采）", "¥88.00", "100014870990"),
          "¥88.00",
        ),
        o(
          "235711131819",
          "2022-06-15 07:59:00",
          "2022-06-15 08:00:00",
          "2022-06-17 08:00:00",
          "(锁定)等待出库",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131820",
          "2022-06-14 07:59:00",
          "2022-06-14 08:00:00",
          "2022-06-16 08:00:00",
          "(删除)等待出库",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131821",
          "2022-06-14 09:59:00",
          "2022-06-14 10:00:00",
          "",
          "(删除)等待确认收货",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131822",
          "2022-06-14 11:00:00",
          "",
          "",
          "(删除)等待付款",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131823",
          "2022-06-15 11:59:00",
          "2022-06-15 12:00:00",
          "2022-06-17 12:00:00",
          "售后处理中",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131824",
          "2022-06-19 10:59:00",
          "2022-06-19 11:00:00",
          "当日24:00前发货",
          "等待出库",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131825",
          "2022-06-19 11:59:00",
          "2022-06-19 12:00:00",
          "2022-06-21 12:00:00",
          "等待出库",
          ["京配"],
          [
            ["维达抽纸 3层130抽*24包", "¥45.90", "x1", "100004325480"],
            ["维达湿巾 10片*10包", "¥15.90", "x2", "100004325481"],
            ["维达厨房纸 2卷", "¥9.90", "x3", "100004325482"],
          ],
          "¥107.40",
        ),
        o(
          "235711131826",
          "2022-06-18 08:59:00",
          "2022-06-18 09:00:00",
          "2022-06-20 09:00:00",
          "等待出库",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131827",
          "2022-06-18 14:59:00",
          "2022-06-18 15:00:00",
          "",
          "等待确认收货",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131828",
          "2022-06-10 08:59:00",
          "2022-06-10 09:00:00",
          "",
          "已完成",
          [],
          tissue,
          "¥25.80",
        ),
        o(
          "235711131829",
          "2022-06-15 13:59:00",
          "2022-06-15 14:00:00",
          "",
          "已取消",
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
          one(
            "Kleenex 舒洁 湿厕纸 40片*4包（海外直采）",
            "¥45.00",
            "100014870752",
          ),
          "¥45.00",
        ),
        o(
          "235711131902",
          "2022-06-19 18:29:00",
          "2022-06-19 18:30:00",
          "2022-06-21 18:30:00",
          "等待出库",
          [],
          one("Scott 卷纸 12卷（海外直采）", "¥88.00", "100014870990"),
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

  function column(prop) {
    const c = el("div", "card-content-column");
    c.setAttribute("prop", prop);
    return c;
  }

  /** A label/value pair as JD's config-view component renders it (the label is optional). */
  function configItem(label, value) {
    const item = el("div", "config-view-item");
    if (label) item.appendChild(el("span", "config-view-item__label", label));
    item.appendChild(el("span", "config-view-item__value", value));
    return item;
  }

  function skuItem([name, price, qty, sku]) {
    const item = el("div", "sku-info-list__item");
    const card = el("div", "sku-info-card");
    const left = el("div", "sku-info-card__left");
    left.appendChild(el("div", "sku-img"));
    const desc = el("div", "card-left__desc");
    desc.append(
      el("div", "sku-name", name),
      configItem("", "默认规格"),
      configItem("skuId：", sku),
    );
    left.appendChild(desc);
    const right = el("div", "sku-info-card__right");
    right.append(configItem("", price), configItem("", qty));
    card.append(left, right);
    item.appendChild(card);
    return item;
  }

  function fillCard(card, x) {
    card.querySelector(".order-info-btn span").textContent = x.id;
    card.querySelector(".shop-overflow-tooltip__content").textContent =
      x.timeText ||
      [x.placed && `${x.placed} 下单`, x.paid && `${x.paid} 付款`]
        .filter(Boolean)
        .join("，");
    const tags = card.querySelector(".order-tags");
    tags.textContent = "";
    for (const t of x.tags) {
      const item = el("span", "order-tags-item");
      const tag = el("span", "jd-tag");
      tag.appendChild(el("span", "jd-tag__content", t));
      item.appendChild(tag);
      tags.appendChild(item);
    }
    card
      .querySelector(".sku-info-list")
      .replaceChildren(...x.skus.map(skuItem));
    card
      .querySelector('[prop="receivables"]')
      .replaceChildren(
        configItem("", x.receivable),
        configItem("运费", "¥0.00"),
      );
    card.querySelector('[prop="orderStatus"] .order-status span').textContent =
      x.status;
    card.querySelector(".jd-only-child__content").textContent =
      x.promise || "--";
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
    const btn = el("button", "jd-button order-info-btn");
    btn.type = "button";
    btn.appendChild(el("span"));
    id.appendChild(btn);
    const time = el("div", "order-time-info");
    const tip = el("div", "shop-overflow-tooltip");
    tip.appendChild(el("span", "shop-overflow-tooltip__content"));
    time.appendChild(tip);
    header.append(id, time, el("div", "order-tags"));

    const content = el("div", "card-content");
    const goods = column("goods");
    goods.appendChild(el("div", "sku-info-list"));
    const consignee = column("consigneeInfo");
    consignee.append(
      el("div", "cons-name-text", "王**"),
      el("div", "cons-mobile-phone-text", "138****5521"),
      el("div", "cons-address-text", "王**，陕西安康市紫阳县**********"),
      el("div", "user-pin", "jd_7f3****a21"),
    );
    const status = column("orderStatus");
    const st = el("div", "order-status");
    st.appendChild(el("span"));
    const promise = el("div", "promise-out-ship-date");
    const only = el("span", "jd-only-child");
    only.appendChild(el("span", "jd-only-child__content"));
    promise.appendChild(only);
    status.append(st, promise);
    const ops = column("operation");
    ops.append(el("div", "deliver-info"), el("button", "op-btn", "查看详情"));
    content.append(goods, column("receivables"), consignee, status, ops);
    card.append(header, content);
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
        i === state.page ? "number is-active" : "number",
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
    const table = el("div", "jd-pro-card-table");
    const head = el("div", "table-header");
    for (const h of ["商品信息", "应收", "收货人", "订单状态", "操作"])
      head.appendChild(el("span", "", h));
    const scroll = el("div", "jd-scrollbar");
    const view = el("div", "jd-scrollbar__view");
    view.appendChild(el("div", "table-body"));
    scroll.appendChild(view);
    table.append(head, scroll);
    const pager = el("div", "jd-pagination");
    pager.appendChild(el("div", "el-pager jd-pager"));
    page.append(tabs, toolbar, table, pager);
    app.appendChild(page);
    renderList();
    document.documentElement.dataset.fixtureListMs = performance
      .now()
      .toFixed(1);
  }

  // Like a SPA, the list arrives a little after the document is ready.
  setTimeout(renderShell, 30);
})();
