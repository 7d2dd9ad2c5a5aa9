/**
 * Reader of the after-sales list, shop.jd.com/jdm/trade/after-sale/…: one service order
 * (售后单) per card or table row, read for the return rules' inputs. No public source shows
 * this page's classes, so every field is read by its label text (签收时间, 申请时间,
 * 服务单号 …) and its tags (闪电退款, 运费险, 上门取件); what is absent is not sent.
 */
(function (root) {
  "use strict";

  const R = root.JdpgRead;

  const REQUESTED_LABELS = ["申请时间", "提交时间", "申请售后时间"];
  const WAYBILL_LABELS = [
    "运单上传时间",
    "上传运单时间",
    "回寄时间",
    "寄回时间",
  ];

  /**
   * Each service order: a card (badge row after its header) or a table row (in its first cell).
   * @param {Document} doc
   * @return {Array<{el: Element, anchor: Element, position: "after"|"append", kind: string}>}
   */
  function findUnits(doc) {
    let cards = Array.from(doc.querySelectorAll(".table-body .card"));
    if (!cards.length) {
      cards = R.outermost(
        Array.from(doc.querySelectorAll(".card")).filter((c) =>
          /订单号|订单编号|服务单号/.test(c.textContent),
        ),
      );
    }
    if (cards.length) {
      return cards.map((card) => {
        let header =
          card.querySelector(".shop-order-id") ||
          card.querySelector('[class*="order-id"]');
        while (header && header.parentElement !== card)
          header = header.parentElement;
        return header
          ? { el: card, anchor: header, position: "after", kind: "after_sale" }
          : { el: card, anchor: card, position: "append", kind: "after_sale" };
      });
    }
    return Array.from(doc.querySelectorAll("tbody > tr"))
      .filter((tr) => !tr.closest(R.OWN_SELECTOR) && tr.querySelector("td"))
      .filter((tr) => /订单号|订单编号|服务单号/.test(tr.textContent))
      .map((tr) => ({
        el: tr,
        anchor: tr.querySelector("td"),
        position: "append",
        kind: "after_sale",
      }));
  }

  /**
   * The summary bar goes before the list (its table wrapper when it has one).
   * @param {Document} doc
   * @return {Element|null}
   */
  function listAnchor(doc) {
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
   * One service order. Unreadable without its order id, or without both the receipt time and
   * the request time (the return window cannot be placed).
   * @param {Element} unit a card or a tr
   * @param {{href: string, platform: string}} ctx
   */
  function read(unit, ctx) {
    const fatal = [];
    const text = R.clean(R.ownText(unit));
    const order = {};
    const id =
      R.labeledOrderId(text) ||
      R.digits(R.textAt(unit, ".shop-order-id, .order-id"));
    if (id) order.order_id = id;
    else fatal.push("order_id");

    R.addTimes(order, R.fillLabeledTimes({}, text));
    const request = {};
    const requested = R.labeledTime(text, REQUESTED_LABELS);
    if (requested) request.requested_at = requested;
    const waybill = R.labeledTime(text, WAYBILL_LABELS);
    if (waybill) request.waybill_uploaded_at = waybill;
    if (!order.received_at && !request.requested_at) fatal.push("received_at");

    const tags = Array.from(
      unit.querySelectorAll(
        ".order-tags-item .jd-tag__content, .jd-tag__content, .ivu-tag-text",
      ),
    )
      .filter((el) => !el.closest(R.OWN_SELECTOR))
      .map((el) => R.clean(el.textContent))
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
    const serviceId = /服务单号\s*[:：]?\s*(\d{6,20})/.exec(text);
    if (serviceId) request.service_id = serviceId[1];
    if (Object.keys(request).length) order.return_request = request;
    if (Object.keys(services).length) order.services = services;

    const amount = R.labeledMoney(text, [
      "实付金额",
      "实付",
      "订单金额",
      "商品金额",
    ]);
    if (amount) order.paid_amount = amount;
    order.platform = R.platformOf(tags, ctx.href, ctx.platform);
    return R.finish(order, fatal, [], { tags });
  }

  R.register({
    kind: "after_sale",
    matches: (u) =>
      u.hostname === "shop.jd.com" &&
      u.pathname.startsWith("/jdm/trade/after-sale"),
    findUnits,
    listAnchor,
    read,
  });
})(globalThis);
