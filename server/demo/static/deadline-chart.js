/**
 * The demo page's at-a-glance chart: the orders still to ship, by the hour their deadline falls in
 * over the next 48 hours from "as of", coloured by ship status (overdue ones in a bar of their own
 * first), each bar with its count above it. Built with DOM APIs and textContent only; words from JDPG_VOCAB. Defines `JdpgDeadlineChart`.
 */
(function (root) {
  "use strict";

  const SVG = "http://www.w3.org/2000/svg";
  const HOURS = 48;
  const TO_SHIP = ["overdue", "at_risk", "pending"];

  /**
   * Counts per hour bucket, per status: buckets[0] holds the overdue orders, buckets[1 + h] the
   * orders due within hour h after asOf.
   * @param {Array<Object<string, any>>} results the API's results
   * @param {string} asOf ISO time
   * @return {Array<{overdue: number, at_risk: number, pending: number}>}
   */
  function buckets(results, asOf) {
    const start = Date.parse(asOf);
    const out = Array.from({ length: HOURS + 1 }, () => ({ overdue: 0, at_risk: 0, pending: 0 }));
    for (const r of results) {
      const ship = r && r.ship;
      if (!ship || !TO_SHIP.includes(ship.status)) continue;
      if (ship.status === "overdue") {
        out[0].overdue += 1;
        continue;
      }
      const hour = Math.floor((Date.parse(ship.deadline) - start) / 3600000);
      if (hour >= 0 && hour < HOURS) out[1 + hour][ship.status] += 1;
    }
    return out;
  }

  function el_(doc, name, attrs, text) {
    const node = doc.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text != null) node.textContent = text;
    return node;
  }

  function words_(vocab, lang, entry) {
    if (lang === "en") return entry.en;
    if (lang === "zh") return entry.zh;
    return `${entry.zh} ${entry.en}`;
  }

  /**
   * The chart as an <svg>, with a <title> per bar saying its count and hour.
   * @param {Document} doc
   * @param {Array<Object<string, any>>} results
   * @param {{asOf: string, lang: string, vocab: Object<string, any>}} opts
   * @return {SVGElement}
   */
  function render(doc, results, opts) {
    const vocab = opts.vocab;
    const counts = buckets(results, opts.asOf);
    const most = Math.max(1, ...counts.map((c) => c.overdue + c.at_risk + c.pending));
    // The overdue bar first, then a gap, then one bar an hour; room at the end for "+48h".
    const x0 = 14 * 3;
    const width = x0 + 14 * (HOURS + 2);
    const height = 120;
    const top = 12; // room for the tallest bar's count
    const svg = el_(doc, "svg", {
      class: "demo-chart",
      viewBox: `0 -${top} ${width} ${height + 30 + top}`,
      role: "img",
      "aria-label": words_(vocab, opts.lang, vocab.ui.chart_title),
    });
    svg.dataset.demoChart = JSON.stringify(counts);
    counts.forEach((c, i) => {
      const x = i === 0 ? 0 : x0 + 14 * (i - 1);
      let y = height;
      for (const status of TO_SHIP) {
        if (!c[status]) continue;
        const h = (c[status] / most) * (height - 10);
        y -= h;
        const bar = el_(doc, "rect", {
          x,
          y,
          width: 12,
          height: h,
          class: `demo-chart__bar demo-chart__bar--${status}`,
        });
        const label = words_(vocab, opts.lang, vocab.ship_status[status]);
        const when =
          i === 0 ? label : `+${i - 1}–${i} ${words_(vocab, opts.lang, vocab.ui.hours)}`;
        bar.appendChild(el_(doc, "title", {}, `${when}: ${c[status]}`));
        svg.appendChild(bar);
      }
      // Each bar's count above it, so the chart reads without hovering.
      const total = c.overdue + c.at_risk + c.pending;
      if (total)
        svg.appendChild(
          el_(doc, "text", { x: x + 6, y: y - 2, class: "demo-chart__count", "text-anchor": "middle" }, String(total)),
        );
    });
    svg.appendChild(
      el_(doc, "text", { x: 0, y: height + 14, class: "demo-chart__axis" },
          words_(vocab, opts.lang === "en" ? "en" : "zh", vocab.ui.overdue_short)),
    );
    for (const h of [0, 12, 24, 36, 48]) {
      svg.appendChild(
        el_(doc, "text", { x: x0 + 14 * h, y: height + 14, class: "demo-chart__axis" }, `+${h}h`),
      );
    }
    svg.appendChild(
      el_(doc, "text", { x: 0, y: height + 28, class: "demo-chart__caption" },
          words_(vocab, opts.lang, vocab.ui.chart_title)),
    );
    return svg;
  }

  root.JdpgDeadlineChart = Object.freeze({ buckets, render, HOURS });
})(globalThis);
