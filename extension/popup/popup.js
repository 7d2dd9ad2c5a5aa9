/**
 * The toolbar popup: the current tab's page summary (as its content script last reported
 * it), the triage list of every order seen in the last 7 days (time left, live countdown,
 * filters, a click opens the order), the API's status and a link to the options page.
 */
(function () {
  "use strict";

  const { MSG } = globalThis.JDPG;
  const V = globalThis.JDPG_VOCAB;
  const UI = V.ui;
  const M = globalThis.JdpgMoney;
  const T = globalThis.JdpgTriage;
  const FILTERS = [
    ["all", UI.triage_all],
    ["overdue", UI.triage_overdue],
    ["at_risk", UI.triage_at_risk],
    ["to_ship", UI.triage_to_ship],
    ["owed", UI.triage_owed],
  ];
  /** The list shows this many rows at most (it re-renders every second for the countdown). */
  const SHOWN_MAX = 200;
  const TONES = {
    overdue: "late",
    at_risk: "risk",
    pending: "ok",
    none: "muted",
  };
  /** Row colours of the one palette (vocabulary row_status) for the states that have one. */
  const ROW_COLOURS = {
    overdue: V.row_status.late,
    at_risk: V.row_status.at_risk,
  };

  let lang = "zh-en";
  let triage = null;
  let filter = "all";
  /** The service worker's "now" when the list was read, and the popup's clock then. */
  let nowAt = { sw: 0, local: 0 };

  function say_(entry) {
    if (lang === "zh") return entry.zh;
    if (lang === "en") return entry.en;
    return `${entry.zh} ${entry.en}`;
  }

  function line_(list, label, value, cls) {
    const dt = document.createElement("dt");
    dt.textContent = say_(label);
    const dd = document.createElement("dd");
    dd.textContent = value;
    if (cls) dd.className = cls;
    list.append(dt, dd);
  }

  function showSummary_(entry) {
    const box = document.getElementById("summary");
    box.textContent = "";
    if (!entry || !entry.summary) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = say_(UI.no_list_here);
      box.append(p);
      return;
    }
    const s = entry.summary;
    const list = document.createElement("dl");
    line_(list, UI.sum_orders, String(s.orders));
    if (s.measured === false) {
      // Nothing on the page was checked: no total is known, so none reads 0.
      for (const label of [V.row_status.late, V.row_status.at_risk, V.row_status.owed])
        line_(list, label, UI.not_measured.zh, "error");
    } else {
      if (s.ship_measured === false) {
        // No checked order could be judged for shipping: its counts are not known.
        line_(list, V.row_status.late, UI.not_measured.zh, "error");
        line_(list, V.row_status.at_risk, UI.not_measured.zh, "error");
      } else {
        line_(list, V.row_status.late, String(s.late), s.late ? "late" : "");
        line_(
          list,
          V.row_status.at_risk,
          String(s.at_risk),
          s.at_risk ? "risk" : "",
        );
      }
      line_(
        list,
        V.row_status.owed,
        `¥${M.fenToYuan(s.owed)}`,
        s.owed ? "owed" : "",
      );
    }
    if (s.unavailable)
      line_(list, UI.not_checked, String(s.unavailable), "error");
    if (s.if_claimed)
      line_(list, UI.if_claimed, `¥${M.fenToYuan(s.if_claimed)}`, "risk");
    if (s.losses)
      line_(list, UI.lost_label, `¥${M.fenToYuan(s.losses)}`, "late");
    if (s.unreadable + s.errors)
      line_(list, UI.cannot_read, String(s.unreadable + s.errors));
    box.append(list);
    // Coverage: each family some orders could not be judged for, and why.
    const gaps = s.not_judged || {};
    for (const family of V.lists.families.filter((f) => gaps[f])) {
      const gap = gaps[family];
      const name = V.phrases.family[family] || { zh: family, en: family };
      const head = document.createElement("p");
      head.className = "error not-judged";
      head.dataset.family = family;
      head.textContent = say_({
        zh: V.fill(UI.not_judged_count.zh, { family: name.zh, n: gap.orders }),
        en: V.fill(UI.not_judged_count.en, { family: name.en, n: gap.orders }),
      });
      box.append(head);
      for (const reason of gap.reasons) {
        const p = document.createElement("p");
        p.className = "error reason";
        p.textContent = say_(reason);
        box.append(p);
      }
    }
    if (entry.error) {
      const p = document.createElement("p");
      p.className = "api error";
      p.textContent = say_({
        zh: entry.error.message,
        en: entry.error.message_en,
      });
      box.append(p);
    }
  }

  /** "Now" for the countdown: the service worker's clock, moving on with the popup's. */
  function now_() {
    if (triage && triage.fixedNow) return nowAt.sw;
    return nowAt.sw + (Date.now() - nowAt.local);
  }

  function showFilters_() {
    const box = document.getElementById("triage-filters");
    box.textContent = "";
    for (const [name, words] of FILTERS) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.filter = name;
      button.setAttribute("role", "tab");
      button.setAttribute("aria-selected", String(name === filter));
      const count = triage
        ? triage.entries.filter((e) => T.matches(e, name, now_())).length
        : 0;
      button.textContent = `${say_(words)} ${count}`;
      button.addEventListener("click", () => {
        filter = name;
        render_();
      });
      box.append(button);
    }
  }

  function showList_() {
    const list = document.getElementById("triage-list");
    const empty = document.getElementById("triage-empty");
    list.textContent = "";
    const now = now_();
    const shown = triage
      ? triage.entries.filter((e) => T.matches(e, filter, now))
      : [];
    for (const entry of shown.slice(0, SHOWN_MAX)) {
      const state = T.stateAt(entry, now);
      const item = document.createElement("li");
      item.className = `triage__item triage__item--${TONES[state]}`;
      item.dataset.orderId = entry.id;
      item.dataset.state = state;
      const colours = ROW_COLOURS[state];
      if (colours) {
        item.style.background = colours.background;
        item.style.color = colours.font;
        item.style.borderLeftColor = colours.font;
      }
      const link = document.createElement("a");
      link.href = entry.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.title = say_({
        zh: V.fill(UI.triage_open.zh, { id: entry.id }),
        en: V.fill(UI.triage_open.en, { id: entry.id }),
      });
      link.textContent = entry.id;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        chrome.tabs.create({ url: entry.url });
      });
      const clock = document.createElement("span");
      clock.className = "triage__countdown";
      clock.textContent = say_(T.countdown(entry, now, V));
      item.append(link, clock);
      if (entry.owedFen > 0) {
        const owed = document.createElement("span");
        owed.className = "triage__owed owed";
        const amount = M.fenToYuan(entry.owedFen);
        owed.textContent = say_({
          zh: V.fill(UI.triage_owed_amount.zh, { amount }),
          en: V.fill(UI.triage_owed_amount.en, { amount }),
        });
        item.append(owed);
      }
      list.append(item);
    }
    const more = shown.length - SHOWN_MAX;
    empty.hidden = shown.length > 0 && more <= 0;
    empty.textContent = shown.length
      ? say_({
          zh: V.fill(UI.triage_more.zh, { n: more }),
          en: V.fill(UI.triage_more.en, { n: more }),
        })
      : say_(UI.triage_empty);
  }

  function render_() {
    showFilters_();
    showList_();
  }

  async function loadTriage_() {
    const reply = await chrome.runtime
      .sendMessage({ type: MSG.GET_TRIAGE })
      .catch(() => null);
    if (!reply || !reply.ok) return;
    triage = reply.data;
    lang = triage.lang;
    nowAt = { sw: triage.now, local: Date.now() };
    document.getElementById("triage-title").textContent = say_(UI.triage_title);
    document.getElementById("open-options").textContent = say_(UI.options_link);
    render_();
    document.documentElement.dataset.jdpgTriage = "ready";
  }

  async function showApiStatus_() {
    const el = document.getElementById("api-status");
    const reply = await chrome.runtime
      .sendMessage({ type: MSG.TEST_CONNECTION })
      .catch(() => null);
    if (reply && reply.ok) {
      el.textContent = say_({
        zh: V.fill(UI.api_ok.zh, { base: reply.apiBase }),
        en: V.fill(UI.api_ok.en, { base: reply.apiBase }),
      });
      el.className = "api ok";
    } else {
      const e = (reply && reply.error) || {};
      el.textContent = say_({
        zh: V.fill(UI.api_down.zh, { message: e.message || "" }),
        en: V.fill(UI.api_down.en, { message: e.message_en || "" }),
      });
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

  loadTriage_().then(async () => {
    const tabId = await tabId_();
    const reply =
      tabId == null
        ? null
        : await chrome.runtime.sendMessage({
            type: MSG.GET_TAB_SUMMARY,
            tabId,
          });
    showSummary_(reply && reply.ok ? reply.data : null);
  });
  showApiStatus_();
  // The countdown is live: once a second is enough for minutes.
  setInterval(() => {
    if (triage && !triage.fixedNow) render_();
  }, 1000);
})();
