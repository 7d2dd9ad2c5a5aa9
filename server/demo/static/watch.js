// The watched shops and their open orders, read from GET /api/v1/watch/shops and /orders every 30 s.
// Every value is set as text: shop names and order ids are never parsed as markup.
(function () {
  "use strict";
  const STATUS = {
    overdue: "已超时 Overdue",
    at_risk: "即将超时 At risk",
    pending: "待发货 To ship",
  };

  function when(iso) {
    return iso ? iso.slice(0, 16).replace("T", " ") : "—";
  }

  function row(cells) {
    const tr = document.createElement("tr");
    for (const value of cells) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.appendChild(td);
    }
    return tr;
  }

  async function load() {
    const note = document.getElementById("watch-note");
    try {
      const [shops, orders] = await Promise.all([
        fetch("/api/v1/watch/shops").then((r) => r.json()),
        fetch("/api/v1/watch/orders").then((r) => r.json()),
      ]);
      const shopBody = document.querySelector("#watch-shops tbody");
      const orderBody = document.querySelector("#watch-orders tbody");
      shopBody.replaceChildren(
        ...(shops.shops || []).map((s) =>
          row([
            s.name,
            s.message ? `${s.state}: ${s.message}` : s.state,
            when(s.last_pull_at),
            s.open_orders == null ? "—" : String(s.open_orders),
            `${s.coverage.shipping.judged} / ${s.coverage.shipping.orders}`,
          ]),
        ),
      );
      orderBody.replaceChildren(
        ...(orders.orders || []).map((o) => {
          const tr = row([
            o.shop,
            o.order_id,
            STATUS[o.status] || o.status || "未判断 Not judged",
            when(o.deadline),
            o.jos_state || "—",
          ]);
          tr.dataset.status = o.status || "";
          return tr;
        }),
      );
      note.textContent = shops.watching
        ? `截至 as of ${when(orders.as_of)} · ${orders.total} 单 orders`
        : "这台服务器没有监控店铺（jdpg shops add …）· This server watches no shop (jdpg shops add …)";
    } catch (error) {
      note.textContent = `无法读取 cannot read the watch: ${error}`;
    }
  }

  load();
  setInterval(load, 30000);
})();
