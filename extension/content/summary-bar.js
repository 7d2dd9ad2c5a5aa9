/**
 * The summary bar above the list: the page's totals (late, at risk, owed…) and, when the
 * API could not be reached, one notice. Defines one global, `JdpgSummary`.
 */
(function (root) {
  "use strict";

  const S = root.JdpgSpecs;
  const M = root.JdpgMoney;

  /**
   * Page totals over the orders shown.
   * @param {Array<{state: string, result?: Object<string, any>}>} entries
   * @return {Object<string, number>}
   */
  function summarize(entries) {
    return S.summarize(entries, M);
  }

  /**
   * Fills (or refills) the summary bar; does nothing when nothing changed, so the page sees
   * no mutation and nothing flickers.
   * @param {HTMLElement|null} bar an element from a previous call, or null for a new one
   * @param {Object<string, number>} s from summarize()
   * @param {{lang?: string, doc?: Document, notice?: {message: string, message_en: string}|null}} [opts]
   * @return {HTMLElement} the bar
   */
  function renderSummaryBar(bar, s, opts) {
    const o = opts || {};
    const doc = o.doc || root.document;
    const lang = o.lang || "zh-en";
    const words = root.JdpgRender.appendWords;
    if (!bar) {
      bar = doc.createElement("div");
      bar.className = "jdpg-bar";
      bar.dataset.jdpgOwn = "";
      bar.setAttribute("role", "status");
    }
    const signature = JSON.stringify([s, lang, o.notice || null]);
    if (bar.dataset.jdpgSignature === signature) return bar;
    bar.dataset.jdpgSignature = signature;
    const measured = s.measured;
    bar.dataset.jdpgMeasured = String(measured);
    const shipMeasured = measured && s.ship_measured;
    bar.dataset.jdpgLate = shipMeasured ? String(s.late) : root.JDPG_VOCAB.ui.not_measured.zh;
    bar.dataset.jdpgAtRisk = shipMeasured ? String(s.at_risk) : root.JDPG_VOCAB.ui.not_measured.zh;
    bar.dataset.jdpgOwed = measured ? M.fenToYuan(s.owed) : root.JDPG_VOCAB.ui.not_measured.zh;
    bar.textContent = "";
    const brand = doc.createElement("span");
    brand.className = "jdpg-bar__brand";
    brand.textContent = "JD Promo Guard";
    bar.appendChild(brand);
    for (const chip of S.summaryChips(s, {
      vocab: root.JDPG_VOCAB,
      money: M,
    })) {
      const el = doc.createElement("span");
      el.className = `jdpg-chip jdpg-chip--${chip.tone}`;
      el.dataset.jdpgKind = chip.kind;
      words(doc, el, chip, lang);
      bar.appendChild(el);
    }
    // Why a family could not be judged: said on the bar, not only counted.
    for (const chip of S.summaryChips(s, { vocab: root.JDPG_VOCAB, money: M })) {
      for (const reason of chip.reasons || []) {
        const el = doc.createElement("span");
        el.className = "jdpg-reason";
        el.dataset.jdpgFamily = chip.family;
        words(doc, el, reason, lang);
        bar.appendChild(el);
      }
    }
    if (o.notice) {
      const notice = doc.createElement("span");
      notice.className = s.unavailable
        ? "jdpg-notice jdpg-notice--error"
        : "jdpg-notice";
      notice.setAttribute("role", "alert");
      words(
        doc,
        notice,
        { zh: o.notice.message, en: o.notice.message_en },
        lang,
      );
      bar.appendChild(notice);
    }
    return bar;
  }

  root.JdpgSummary = Object.freeze({ summarize, renderSummaryBar });
})(globalThis);
