/**
 * The demo page: shows the sample order list as a merchant's table and annotates it live
 * through POST /api/v1/orders/annotate (same origin), rendering with the extension's own
 * badge files (badge-specs, tooltip, badge-row, summary-bar) and badges.css. State for tests: <html data-demo-state="requesting|done|error">.
 */
(function () {
  "use strict";

  const R = window.JdpgRender;
  const V = window.JDPG_VOCAB;
  const Sum = window.JdpgSummary;
  const html = document.documentElement;
  const table = document.getElementById("orders");
  const summarySlot = document.getElementById("summary-slot");
  let sample = null;
  let rows = [];
  let bar = null;
  let generation = 0;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function timeLines(...pairs) {
    const cell = el("td");
    for (const [label, value] of pairs) {
      if (value) cell.appendChild(el("span", "demo-time", `${label} ${value}`));
    }
    if (!cell.childNodes.length) cell.textContent = "—";
    return cell;
  }

  /** One tbody per order: its data row and, below it, the row our badges go into. */
  function orderRows(entry) {
    const o = entry.order;
    const d = entry.display || {};
    const body = el("tbody");
    body.dataset.orderId = o.order_id;
    const data = el("tr");
    const id = el("td");
    id.appendChild(el("span", "demo-id", o.order_id));
    const item = el("td");
    item.appendChild(el("span", "", `${d.sku || ""} x${o.quantity || 1}`));
    const tags = el("span");
    for (const t of d.tags || []) tags.appendChild(el("span", "demo-tag", t));
    item.appendChild(tags);
    if (d.note) item.appendChild(el("span", "demo-note", d.note));
    data.append(
      id,
      item,
      el("td", "num", o.paid_amount ? `¥${o.paid_amount}` : "—"),
      timeLines(
        [V.facts.placed_at.zh, o.placed_at],
        [V.facts.paid_at.zh, o.paid_at],
      ),
      timeLines(
        [V.facts.picked_up_at.zh, o.picked_up_at],
        [V.facts.received_at.zh, o.received_at],
      ),
      el("td", "", o.shown_ship_by || o.promised_ship_by || "—"),
      el("td", "", d.status || o.order_status || "—"),
    );
    const badgeRow = el("tr");
    const cell = el("td", "badges");
    cell.colSpan = 7;
    badgeRow.appendChild(cell);
    body.append(data, badgeRow);
    return { body, cell };
  }

  function controls() {
    const asOf = document.getElementById("as-of").value;
    return {
      asOf: `${asOf.length === 16 ? asOf + ":00" : asOf}+08:00`,
      atRiskHours: Number(document.getElementById("at-risk-hours").value),
      lang: document.getElementById("lang").value,
    };
  }

  function showRows(makeRow) {
    rows.forEach((r, i) => r.cell.replaceChildren(makeRow(i)));
  }

  async function annotate() {
    const mine = ++generation;
    const c = controls();
    html.dataset.demoState = "requesting";
    const started = performance.now();
    let reply;
    try {
      const response = await fetch("/api/v1/orders/annotate", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          as_of: c.asOf,
          orders: sample.orders.map((e) => e.order),
          options: { at_risk_hours: c.atRiskHours },
        }),
      });
      const body = await response.json().catch(() => null);
      if (!response.ok || !body || !Array.isArray(body.results)) {
        const why =
          body && body.error
            ? `${body.error.message || ""} ${body.error.message_en || ""}`
            : "";
        throw new Error(`HTTP ${response.status} ${why}`.trim());
      }
      reply = body;
    } catch (e) {
      if (mine !== generation) return;
      const notice = {
        message: V.fill(V.ui.demo_failed.zh, { message: e.message }),
        message_en: V.fill(V.ui.demo_failed.en, { message: e.message }),
      };
      showRows(() => R.buildStatusRow("unavailable", { lang: c.lang, notice }));
      const summary = Sum.summarize(rows.map(() => ({ state: "unavailable" })));
      bar = Sum.renderSummaryBar(bar, summary, { lang: c.lang, notice });
      summarySlot.replaceChildren(bar);
      html.dataset.demoState = "error";
      return;
    }
    if (mine !== generation) return;
    const ms = performance.now() - started;
    showRows((i) =>
      R.buildBadgeRow(reply.results[i], { lang: c.lang, asOf: reply.as_of }),
    );
    const summary = Sum.summarize(
      reply.results.map((result) => ({ state: "result", result })),
    );
    bar = Sum.renderSummaryBar(bar, summary, { lang: c.lang });
    if (!bar.isConnected) summarySlot.replaceChildren(bar);
    document
      .getElementById("chart-slot")
      .replaceChildren(
        window.JdpgDeadlineChart.render(document, reply.results, {
          asOf: reply.as_of,
          lang: c.lang,
          vocab: V,
        }),
      );
    const timing = {
      n: reply.results.length,
      ms: ms.toFixed(0),
      as_of: reply.as_of.replace("T", " "),
    };
    document.getElementById("timing").textContent =
      `${V.fill(V.ui.demo_timing.zh, timing)} · ${V.fill(V.ui.demo_timing.en, timing)}`;
    html.dataset.demoState = "done";
  }

  async function start() {
    try {
      const response = await fetch("/demo/sample-orders.json");
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      sample = await response.json();
    } catch (e) {
      const box = document.getElementById("load-error");
      box.textContent = `${V.fill(V.ui.demo_load_failed.zh, { message: e.message })} · ${V.fill(V.ui.demo_load_failed.en, { message: e.message })}`;
      box.hidden = false;
      html.dataset.demoState = "error";
      return;
    }
    const store = sample.store || {};
    const title = { store: store.name || "", campaign: store.campaign || "" };
    document.getElementById("store-name").textContent =
      `${V.fill(V.ui.demo_title.zh, title)} · ${V.fill(V.ui.demo_title.en, title)}`;
    document.getElementById("about").textContent = sample.about || "";
    if (sample.as_of)
      document.getElementById("as-of").value = sample.as_of.slice(0, 16);
    rows = sample.orders.map(orderRows);
    for (const r of rows) table.appendChild(r.body);
    annotate();
  }

  document.getElementById("controls").addEventListener("submit", (event) => {
    event.preventDefault();
    annotate();
  });
  for (const id of ["as-of", "at-risk-hours", "lang"]) {
    document.getElementById(id).addEventListener("change", annotate);
  }
  start();
})();
