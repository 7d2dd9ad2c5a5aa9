/**
 * The orders the server watches (`jdpg watch` pulls them from JD's open platform): added to
 * the to-do list, so the list and the toolbar count cover orders never opened in a page.
 * Read from GET /api/v1/watch/orders when the service worker starts and at each minute tick;
 * a server that watches no shop (`watching: false`) or cannot be reached changes nothing.
 * An order the server no longer lists (shipped, cancelled) leaves the list.
 */
import "../common/vocabulary.js";
import "../common/money.js";
import "../common/triage.js";
import { loadSettings, now } from "./settings.js";
import { fetchWatched } from "./api.js";
import { updateTodo } from "./todo-store.js";

const Triage = self.JdpgTriage;

/** One watched order as the to-do list's change (its `watched` names the shop). */
function change(order, ctx) {
  const result = {
    order_id: order.order_id,
    ship: {
      deadline: order.deadline,
      status: order.status,
      at_risk_hours: order.at_risk_hours,
    },
    compensation: { total: order.owed },
  };
  const made = Triage.fromResult({ order_id: order.order_id }, result, ctx);
  if (made && made.entry) made.entry.watched = String(order.shop);
  return made;
}

/** Reads the watched orders and merges them into the list; resolves to the API's reply. */
export async function syncWatched() {
  const settings = await loadSettings();
  const reply = await fetchWatched(settings);
  if (!reply.ok || !reply.data || reply.data.watching !== true) return reply;
  const orders = Array.isArray(reply.data.orders) ? reply.data.orders : [];
  const at = now(settings);
  const ctx = {
    seenAt: at,
    pageUrl: "",
    atRiskHours: null,
    vocab: self.JDPG_VOCAB,
    toFen: self.JdpgMoney.toFen,
  };
  const changes = orders.map((order) => change(order, ctx));
  const listed = new Set(
    changes.filter((c) => c && c.entry).map((c) => c.entry.id),
  );
  await updateTodo((list) => {
    const next = Triage.merge(list, changes, at);
    for (const [id, entry] of Object.entries(next)) {
      if (entry.watched && !listed.has(id)) delete next[id];
    }
    return next;
  });
  return reply;
}
self.jdpgSyncWatched = syncWatched;
