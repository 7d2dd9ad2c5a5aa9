/**
 * The toolbar popup: the current tab's page summary (as its content script last reported
 * it to the service worker), the API's status, and a link to the options page.
 */
(function () {
  "use strict";

  const { MSG } = globalThis.JDPG;

  function fenToYuan_(fen) {
    return `${fen < 0 ? "-" : ""}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, "0")}`;
  }

  function line_(list, label, value, cls) {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    if (cls) dd.className = cls;
    list.append(dt, dd);
  }

  function showSummary_(entry) {
    if (!entry || !entry.summary) return;
    const s = entry.summary;
    const box = document.getElementById("summary");
    box.textContent = "";
    const list = document.createElement("dl");
    line_(list, "本页订单 Orders", String(s.orders));
    line_(list, "超时 Late", String(s.late), s.late ? "late" : "");
    line_(list, "即将超时 At risk", String(s.at_risk), s.at_risk ? "risk" : "");
    line_(
      list,
      "应付赔偿 Owed",
      `¥${fenToYuan_(s.owed)}`,
      s.owed ? "owed" : "",
    );
    if (s.if_claimed)
      line_(list, "若索赔 If claimed", `¥${fenToYuan_(s.if_claimed)}`, "risk");
    if (s.losses)
      line_(list, "补贴损失 Lost", `¥${fenToYuan_(s.losses)}`, "late");
    if (s.unreadable + s.errors)
      line_(list, "无法读取 Unreadable", String(s.unreadable + s.errors));
    box.append(list);
    if (entry.error) {
      const p = document.createElement("p");
      p.className = "api error";
      p.textContent = `${entry.error.message} ${entry.error.message_en}`;
      box.append(p);
    }
  }

  async function showApiStatus_() {
    const el = document.getElementById("api-status");
    const reply = await chrome.runtime
      .sendMessage({ type: MSG.TEST_CONNECTION })
      .catch(() => null);
    if (reply && reply.ok) {
      el.textContent = `API 正常 · API OK (${reply.apiBase})`;
      el.className = "api ok";
    } else {
      const e = (reply && reply.error) || {};
      el.textContent = `API 不可用 · API unavailable: ${e.message_en || e.message || ""}`;
      el.className = "api error";
    }
  }

  document.getElementById("open-options").addEventListener("click", (event) => {
    event.preventDefault();
    chrome.runtime.openOptionsPage();
  });

  /** The active tab's id; `?tab=<id>` names another one (popup.html opened as a page). */
  async function tabId_() {
    const named = Number(new URLSearchParams(location.search).get("tab"));
    if (named) return named;
    const [tab] = await chrome.tabs.query({
      active: true,
      currentWindow: true,
    });
    return tab ? tab.id : null;
  }

  tabId_().then(async (tabId) => {
    if (tabId == null) return;
    const reply = await chrome.runtime.sendMessage({
      type: MSG.GET_TAB_SUMMARY,
      tabId,
    });
    if (reply && reply.ok) showSummary_(reply.data);
  });
  showApiStatus_();
})();
