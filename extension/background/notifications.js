/**
 * Alerts: a notification for each listed order that has turned at risk or overdue (at most
 * one per order per state), outside quiet hours; the count of urgent orders on the toolbar
 * icon; a click on a notification opens its order.
 */
import "../common/vocabulary.js";
import "../common/triage.js";
import { loadSettings, now } from "./settings.js";
import { readTodo, updateTodo } from "./todo-store.js";

const VOCAB = self.JDPG_VOCAB;
const Triage = self.JdpgTriage;

/** Notifies what has come due since the last check and sets the icon's count. */
export async function checkAlerts() {
  const settings = await loadSettings();
  const at = now(settings);
  const ui = VOCAB.ui;
  const lang = settings.lang;
  const quiet =
    !settings.alerts ||
    Triage.inQuietHours(at, settings.quietFrom, settings.quietTo);
  const list = await updateTodo((current) => {
    const pruned = Triage.prune(current, at);
    if (quiet) return pruned;
    const due = Triage.dueAlerts(pruned, at);
    for (const { id, state } of due) {
      const entry = pruned[id];
      const title =
        state === "overdue" ? ui.alert_overdue_title : ui.alert_at_risk_title;
      const values = { id, at: shortBeijing(entry.deadline) };
      const body = {
        zh: VOCAB.fill(ui.alert_body.zh, values),
        en: VOCAB.fill(ui.alert_body.en, values),
      };
      chrome.notifications.create(`jdpg:${id}:${state}`, {
        type: "basic",
        iconUrl: chrome.runtime.getURL("icons/icon-128.png"),
        title: say(title, lang),
        message: say(body, lang),
        priority: state === "overdue" ? 2 : 1,
      });
    }
    return Triage.markAlerted(pruned, due, at);
  });
  const count = Triage.urgentCount(list, at);
  await chrome.action.setBadgeText({ text: count ? String(count) : "" });
  await chrome.action.setBadgeBackgroundColor({ color: "#b3261e" });
}

/** A word in the merchant's language (both, one after the other, for "zh-en"). */
function say(entry, lang) {
  return lang === "zh"
    ? entry.zh
    : lang === "en"
      ? entry.en
      : `${entry.zh} · ${entry.en}`;
}

/** An instant as Beijing "MM-DD HH:MM". */
function shortBeijing(ms) {
  const iso = new Date(ms + 8 * 3600 * 1000).toISOString();
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

chrome.notifications.onClicked.addListener(async (notificationId) => {
  const [, id] = notificationId.split(":");
  const entry = (await readTodo())[id];
  if (entry) chrome.tabs.create({ url: entry.url });
  chrome.notifications.clear(notificationId);
});
