/**
 * The badge row of one order, built with DOM APIs and textContent from the specs of
 * badge-specs.js (nothing from the page or the API is ever parsed as HTML). No chrome.*, so
 * the API's demo page loads the same file. Defines one global, `JdpgRender`.
 */
(function (root) {
  "use strict";

  const S = root.JdpgSpecs;
  const T = root.JdpgTooltip;

  const appendText_ = T.appendText;

  /**
   * A badge's or chip's words in the language asked for: a Chinese span, an English span, or both.
   * @param {Document} doc
   * @param {Element} parent
   * @param {{zh: string, en: string}} words
   * @param {string} lang
   */
  function appendWords(doc, parent, words, lang) {
    if (lang !== "en")
      appendText_(doc, parent, "span", "jdpg-badge__zh", words.zh);
    if (lang !== "zh")
      appendText_(
        doc,
        parent,
        "span",
        lang === "en" ? "jdpg-badge__en" : "jdpg-badge__en jdpg-badge__en--sub",
        words.en,
      );
  }

  /** One badge: a coloured chip whose explanation opens on hover, focus or click. */
  function badge_(doc, spec, lang) {
    const b = doc.createElement("span");
    b.className = `jdpg-badge jdpg-badge--${spec.tone}`;
    b.dataset.jdpgKind = spec.kind;
    b.tabIndex = 0;
    b.setAttribute("role", "button");
    b.setAttribute("aria-expanded", "false");
    appendWords(doc, b, spec, lang);
    T.attach(b, spec);
    return b;
  }

  function row_(doc, state, specs, lang) {
    const row = doc.createElement("div");
    row.className = "jdpg-row";
    row.dataset.jdpgOwn = "";
    row.dataset.jdpgState = state;
    const brand = appendText_(doc, row, "span", "jdpg-row__brand", "JDPG");
    brand.setAttribute("aria-hidden", "true");
    for (const spec of specs) row.appendChild(badge_(doc, spec, lang));
    T.wire(row);
    return row;
  }

  function opts_(opts) {
    const o = opts || {};
    return {
      doc: o.doc || root.document,
      lang: o.lang || "zh-en",
      vocab: o.vocab || root.JDPG_VOCAB,
      asOf: o.asOf || null,
      notice: o.notice || null,
    };
  }

  /**
   * The badge row for one order's API result.
   * @param {Object<string, any>} result one entry of the API's `results`
   * @param {{lang?: string, asOf?: string, doc?: Document}} [opts]
   * @return {HTMLElement} a `div.jdpg-row`
   */
  function buildBadgeRow(result, opts) {
    const o = opts_(opts);
    const specs = S.badgeSpecs(result, o);
    const failed = specs.length === 1 && specs[0].kind === "data-error";
    return row_(o.doc, failed ? "error" : "result", specs, o.lang);
  }

  /**
   * The grey row of an order the page did not let us read: it gets no flags at all.
   * @param {string[]} problems the order fields that could not be read
   * @param {{lang?: string, doc?: Document}} [opts]
   */
  function buildUnreadableRow(problems, opts) {
    const o = opts_(opts);
    return row_(o.doc, "unreadable", [S.unreadableSpec(problems, o)], o.lang);
  }

  /**
   * The grey row of an order waiting for its result or not checked (API down, key wrong).
   * @param {"unavailable"|"pending"} state
   * @param {{lang?: string, doc?: Document, notice?: {message: string, message_en: string}}} [opts]
   */
  function buildStatusRow(state, opts) {
    const o = opts_(opts);
    return row_(o.doc, state, [S.statusSpec(state, o)], o.lang);
  }

  root.JdpgRender = Object.freeze({
    buildBadgeRow,
    buildUnreadableRow,
    buildStatusRow,
    appendWords,
    explain: T.explain,
  });
})(globalThis);
