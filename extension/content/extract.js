/**
 * Reads orders out of the JD seller backend's pages: picks the reader for the page (one per
 * page kind, read-*.js, sharing read-helpers.js) and hands main.js one interface. Pure DOM
 * reading: no chrome.*, no network, never writes to the page. Defines one global, `JdpgExtract`.
 *
 * What a reader returns for one order: `{ok, order, problems, notes, orderId, key}`. `order`
 * uses the contract's field names; `ok` is false when a field the order cannot be checked
 * without is missing (its id, its payment or placement time, its status), and such an order is
 * never sent. `notes` are values the page shows that could not be read (a promise time that
 * is not a time): the order is still checked without them, and the row can show them.
 * `problems` names the fields of both. `key` changes whenever anything read changes.
 */
(function (root) {
  "use strict";

  const R = root.JdpgRead;

  function readerFor_(kind) {
    return R.readers.find((r) => r.kind === kind) || null;
  }

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
    const reader = R.readers.find((r) => r.matches(url));
    return reader ? reader.kind : null;
  }

  /**
   * The order units on a page, each with where our badge row goes.
   * @param {Document} doc
   * @param {string} kind from pageKind()
   * @return {Array<{el: Element, anchor: Element, position: "after"|"append", kind: string}>}
   */
  function findUnits(doc, kind) {
    const reader = readerFor_(kind);
    return reader ? reader.findUnits(doc) : [];
  }

  /**
   * Where the summary bar goes: right before the list.
   * @param {Document} doc
   * @param {string} kind
   * @return {Element|null}
   */
  function listAnchor(doc, kind) {
    const reader = readerFor_(kind);
    return reader ? reader.listAnchor(doc) : null;
  }

  /**
   * Reads one unit with the reader for its page.
   * @param {{el: Element, kind: string}} unit
   * @param {{href: string, platform: string}} ctx
   * @return {{ok: boolean, order: Object<string, any>, problems: string[], notes: Array<Object>, orderId: string|null, key: string}}
   */
  function extract(unit, ctx) {
    const reader = readerFor_(unit.kind) || readerFor_("orders");
    return reader.read(unit.el, ctx);
  }

  root.JdpgExtract = Object.freeze({
    OWN_SELECTOR: R.OWN_SELECTOR,
    pageKind,
    findUnits,
    listAnchor,
    extract,
    eventTimes: R.eventTimes,
    labeledTime: R.labeledTime,
    money: R.money,
    hash: R.hash,
    ownText: R.ownText,
  });
})(globalThis);
