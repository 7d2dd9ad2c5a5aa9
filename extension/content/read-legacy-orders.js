/**
 * Reader of the legacy order list, porder.shop.jd.com/order/orderlist/… (iView). Structure as
 * public code reading the live page shows it (beak2825/greasyfork_archives
 * js_greasyfork/424951.js): one `div.shopweb-table` per order, the bare order id in
 * `.orderid-mr10` in the table's header row, `tbody.shopweb-table-tbody > tr` one row per SKU
 * line (`div.commodity_dli a` = the SKU link), the buyer in `div.dongdong p`, the pager
 * `ul.ivu-page`. No source shows where the times and the status sit, so they are read by their
 * label text anywhere in the order's table (a status also as a cell holding only a status
 * word), and reported as unreadable when absent.
 */
(function (root) {
  "use strict";

  const R = root.JdpgRead;

  function tablesOf_(doc) {
    return R.outermost(
      Array.from(doc.querySelectorAll("div.shopweb-table")).filter(
        (t) => !t.closest(R.OWN_SELECTOR),
      ),
    );
  }

  /**
   * Each order's table, with its badge row inside the header cell that holds the order id.
   * @param {Document} doc
   * @return {Array<{el: Element, anchor: Element, position: "after"|"append", kind: string}>}
   */
  function findUnits(doc) {
    return tablesOf_(doc).map((table) => {
      const idEl = table.querySelector(".orderid-mr10");
      const cell = idEl && (idEl.closest("td, th") || idEl.parentElement);
      return cell && table.contains(cell)
        ? { el: table, anchor: cell, position: "append", kind: "legacy" }
        : { el: table, anchor: table, position: "append", kind: "legacy" };
    });
  }

  /**
   * The summary bar goes before the list of order tables (before the first table when the
   * tables sit right in the body).
   * @param {Document} doc
   * @return {Element|null}
   */
  function listAnchor(doc) {
    const first = tablesOf_(doc)[0];
    if (!first) return null;
    const list = first.parentElement;
    return list && list !== doc.body ? list : first;
  }

  /** The SKU id of a line from its item link ("//item.jd.com/100012345678.html"). */
  function skuOf_(row) {
    const link = row.querySelector("div.commodity_dli a");
    const href = link ? link.getAttribute("href") || "" : "";
    const m = /(\d{5,20})\.html/.exec(href) || /\d{5,20}/.exec(href);
    return m ? m[1] || m[0] : null;
  }

  function quantityOf_(row) {
    for (const leaf of R.leaves(row)) {
      const m = /^[x×X*＊]\s*(\d+)$/.exec(R.clean(leaf.textContent));
      if (m) return Number(m[1]);
    }
    const labelled = /(?:数量|件数)\s*[:：]?\s*(\d+)/.exec(
      R.clean(R.ownText(row)),
    );
    return labelled ? Number(labelled[1]) : null;
  }

  /**
   * One order's table. Unreadable without its id, its payment or placement time, or a status.
   * @param {Element} table a div.shopweb-table
   * @param {{href: string, platform: string}} ctx
   */
  function read(table, ctx) {
    const fatal = [];
    const notes = [];
    const text = R.clean(R.ownText(table));
    const order = {};
    const id =
      R.digits(R.textAt(table, ".orderid-mr10")) || R.labeledOrderId(text);
    if (id) order.order_id = id;
    else fatal.push("order_id");

    R.addTimes(
      order,
      Object.assign(R.eventTimes(text), R.fillLabeledTimes({}, text)),
    );
    if (!order.paid_at && !order.placed_at) fatal.push("paid_at");

    const status = R.findStatus(table, text);
    if (status) order.order_status = status;
    else fatal.push("order_status");

    const promise = R.labeledTime(text, R.PROMISE_LABELS);
    const promiseShown = R.labeledValue(text, R.PROMISE_LABELS);
    if (promise) order.shown_ship_by = promise;
    else if (promiseShown && !R.isPlaceholder(promiseShown))
      notes.push(R.unreadNote("shown_ship_by", promiseShown));

    const amount = R.labeledMoney(text, R.AMOUNT_LABELS);
    if (amount) order.paid_amount = amount;

    const rows = Array.from(
      table.querySelectorAll("tbody.shopweb-table-tbody > tr"),
    ).filter((tr) => !tr.closest(R.OWN_SELECTOR));
    const lines = rows.map((tr) => ({
      sku: skuOf_(tr),
      quantity: quantityOf_(tr),
    }));
    if (lines.length && lines.every((l) => l.quantity))
      order.quantity = lines.reduce((n, l) => n + l.quantity, 0);
    if (lines.length && lines[0].sku) order.sku_id = lines[0].sku;

    const tags = Array.from(table.querySelectorAll(".ivu-tag-text, .ivu-tag"))
      .filter((el) => !el.closest(R.OWN_SELECTOR))
      .map((el) => R.clean(el.textContent))
      .filter(Boolean);
    order.platform = R.platformOf(tags, ctx.href, ctx.platform, status);
    R.applyTags(order, tags);
    return R.finish(order, fatal, notes, { lines, tags });
  }

  R.register({
    kind: "legacy",
    matches: (u) =>
      u.hostname === "porder.shop.jd.com" &&
      u.pathname.startsWith("/order/orderlist"),
    findUnits,
    listAnchor,
    read,
  });
})(globalThis);
