/**
 * Badge rendering from an API result. No chrome.* and no page reading, so the demo page
 * (a plain web page) loads this same file. Everything is built with DOM APIs and
 * textContent; nothing from the page or the API is ever parsed as HTML.
 * Defines one global, `JdpgRender`.
 */
(function (root) {
  "use strict";

  /** Rule id prefixes of each family the merchant can switch off (see the options page). */
  const FAMILY_PREFIXES = {
    shipping: ["SHIP-"],
    price: ["PRICE-"],
    after_sales: [
      "RETURN-",
      "LIGHTNING-",
      "FREIGHT-",
      "FREE-PICKUP-",
      "LATE-GUARANTEE",
      "REVERSE-",
      "ASSESSMENT-",
    ],
    promotions: ["RED-ENVELOPE-", "ADMISSION-"],
  };

  /** Which rule each deadline in `result.deadlines` comes from. */
  const DEADLINE_RULES = {
    ship_by: "SHIP-DEADLINE",
    price_match_claim_by: "PRICE-MATCH",
    price_protection_until: "PRICE-PROTECTION",
    return_by: "RETURN-7DAY",
    red_envelope_settlement_end: "RED-ENVELOPE-3FOR3",
  };

  const DEADLINE_NAMES = {
    price_match_claim_by: ["索赔截止", "Claim by"],
    price_protection_until: ["价保至", "Price protection until"],
    return_by: ["退货截止", "Return by"],
    red_envelope_settlement_end: ["红包结算截止", "Envelope settles"],
  };

  const RULE_NAMES = {
    "SHIP-DEADLINE": ["发货时效", "ship deadline"],
    "SHIP-SUBSIDY": ["发货超时补贴作废", "subsidy forfeited"],
    "SHIP-SURCHARGE": ["快递涨价", "carrier surcharge"],
    "PRICE-MATCH": ["买贵双倍赔", "price match"],
    "PRICE-COMMITMENT": ["价格承诺", "price commitment"],
    "PRICE-RAISE-THEN-CUT": ["先涨后降", "raise then cut"],
    "PRICE-PROTECTION": ["价保", "price protection"],
    "RETURN-7DAY": ["7天无理由退货", "7-day return"],
    "LIGHTNING-REFUND": ["闪电退款", "lightning refund"],
    "FREIGHT-INSURANCE": ["运费险", "freight insurance"],
    "FREE-PICKUP-RETURN": ["免费上门取退", "free pickup return"],
    "LATE-GUARANTEE": ["晚必赔", "late guarantee"],
    "REVERSE-VALUE-PROTECTION": ["逆向保价", "reverse value protection"],
    "ASSESSMENT-EXEMPT": ["免考核", "assessment exempt"],
    "RED-ENVELOPE-3FOR3": ["满3免3红包分摊", "3-for-3 envelope share"],
  };

  const FLAG_NAMES = {
    LATE_SHIPMENT: ["发货超时", "Shipped late"],
    SHIP_AT_RISK: ["即将超时", "At risk"],
    SHIP_OVERDUE: ["超时未发货", "Overdue"],
    SUBSIDY_FORFEITED: ["补贴作废", "Subsidy forfeited"],
    PRICE_MATCH_OWED: ["买贵双倍赔", "Price match owed"],
    PRICE_MATCH_CLAIM_EXPIRED: ["索赔已过期", "Claim expired"],
    PRICE_COMMITMENT_BREACH: ["价格承诺超限", "Price commitment breach"],
    RETURN_WINDOW_OPEN: ["退货期内", "Return window open"],
    RETURN_WINDOW_CLOSED: ["退货期已过", "Return window closed"],
    LIGHTNING_REFUND_DUE: ["应闪电退款", "Lightning refund due"],
    ASSESSMENT_EXEMPT: ["免考核", "Assessment exempt"],
    RED_ENVELOPE_SHARE: ["红包分摊", "Envelope share"],
    RED_ENVELOPE_SHARE_RETURNED: ["红包分摊已退回", "Envelope share returned"],
    PRICE_MATCH_NOT_IN_FORCE: ["买贵双倍赔未生效", "Price match not in force"],
    PRICE_MATCH_NOT_APPLICABLE: [
      "买贵双倍赔不适用",
      "Price match not applicable",
    ],
    PRICE_MATCH_NOT_ELIGIBLE: ["不符合买贵双倍赔", "Price match not eligible"],
    PRICE_MATCH_POSSIBLE: [
      "可能被索赔买贵双倍赔",
      "Price match claim possible",
    ],
    PRICE_PROTECTION_EXPOSURE: ["价保期内降价", "Price protection exposure"],
    PRICE_RAISE_THEN_CUT: ["疑似先涨后降", "Raise then cut"],
    RETURN_REQUEST_IN_WINDOW: ["退货申请在期内", "Return request in window"],
    RETURN_NO_REASON_EXCLUDED: ["不支持7天无理由", "No-reason return excluded"],
    LIGHTNING_REFUND_ELIGIBLE: ["可闪电退款", "Lightning refund eligible"],
    LIGHTNING_REFUND_REQUIRED: ["须开通闪电退款", "Lightning refund required"],
    FREIGHT_INSURANCE_REQUIRED: ["须开通运费险", "Freight insurance required"],
    FREE_PICKUP_RETURN: ["免费上门取退", "Free pickup return"],
    NEGOTIATION_SETTLED: ["友好协商", "Settled by negotiation"],
    REVERSE_VALUE_PROTECTED: ["逆向保价", "Reverse value protected"],
    REVERSE_VALUE_NOT_COVERED: ["逆向保价不覆盖", "Reverse value not covered"],
    SHIP_SURCHARGE_ESTIMATE: ["快递涨价估算", "Carrier surcharge estimate"],
  };

  const FACT_NAMES = {
    paid_at: "付款时间",
    placed_at: "下单时间",
    concluded_at: "成交时间",
    deadline: "截止时间",
    hours_allowed: "时限（小时）",
    basis: "依据",
    shipped_basis: "发货依据",
    platform_deadline: "平台截止",
    shown_ship_by: "京东显示截止",
    picked_up_at: "揽收时间",
    shipped_at: "出库时间",
    received_at: "签收时间",
    late_by_hours: "超时（小时）",
    hours_left: "剩余（小时）",
    campaign: "活动",
    paid_amount: "实付金额",
    subsidy_amount: "补贴金额",
    amount: "金额",
  };

  const SEVERITY_TONES = { violation: "late", warning: "risk", info: "info" };

  /** badge element → what its explanation says (see explain()). */
  const TIP_SPECS = new WeakMap();

  /**
   * The family of a rule id, or null for a rule no switch covers (always shown).
   * @param {string} rule e.g. "SHIP-DEADLINE"
   * @return {string|null}
   */
  function ruleFamily(rule) {
    for (const [family, prefixes] of Object.entries(FAMILY_PREFIXES)) {
      if (prefixes.some((p) => String(rule || "").startsWith(p))) return family;
    }
    return null;
  }

  /**
   * Money string to integer fen, exactly ("40.00" → 4000).
   * @param {string|number} yuan
   * @return {number}
   */
  function toFen(yuan) {
    const m = /^(-?)(\d+)(?:\.(\d{0,2}))?/.exec(
      String(yuan == null ? "0" : yuan).trim(),
    );
    if (!m) return 0;
    const fen = Number(m[2]) * 100 + Number((m[3] || "").padEnd(2, "0"));
    return m[1] ? -fen : fen;
  }

  /**
   * Integer fen to a yuan string with 2 decimals (4000 → "40.00").
   * @param {number} fen
   * @return {string}
   */
  function fenToYuan(fen) {
    const sign = fen < 0 ? "-" : "";
    const abs = Math.abs(fen);
    return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
  }

  /**
   * An API time ("2022-06-20T10:00:00+08:00", always Beijing) as "06-20 10:00".
   * @param {string} iso
   * @return {string}
   */
  function shortTime(iso) {
    const m = /^\d{4}-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || "");
    return m ? `${m[1]}-${m[2]} ${m[3]}:${m[4]}` : String(iso || "");
  }

  function longTime_(iso) {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso || "");
    return m ? `${m[1]} ${m[2]}` : String(iso);
  }

  function hours_(h) {
    return Number(h || 0).toFixed(1);
  }

  function enabled_(rule, families) {
    const family = ruleFamily(rule);
    return !family || !families || families[family] !== false;
  }

  /**
   * The result with the switched-off families' flags, money and deadlines removed and the
   * money totals recomputed from what is left.
   * @param {Object<string, any>} result one entry of the API's `results`
   * @param {Object<string, any>} families {shipping: bool, price: bool, after_sales: bool, promotions: bool}
   * @return {Object<string, any>}
   */
  function filterResult(result, families) {
    const keep = (item) => enabled_(item.rule, families);
    const comp = (result.compensation && result.compensation.items) || [];
    const lost = (result.losses && result.losses.items) || [];
    const items = comp.filter(keep);
    const losses = lost.filter(keep);
    const sum = (list, status) =>
      fenToYuan(
        list
          .filter((i) => (status ? (i.status || "owed") === status : true))
          .reduce((n, i) => n + toFen(i.amount), 0),
      );
    const deadlines = {};
    for (const [key, value] of Object.entries(result.deadlines || {})) {
      if (value && enabled_(DEADLINE_RULES[key], families))
        deadlines[key] = value;
    }
    return Object.assign({}, result, {
      ship:
        result.ship && enabled_(result.ship.rule || "SHIP-DEADLINE", families)
          ? result.ship
          : null,
      flags: (result.flags || []).filter(keep),
      deadlines,
      compensation: {
        total: sum(items, "owed"),
        if_claimed_total: sum(items, "if_claimed"),
        items,
      },
      losses: { total: sum(losses), items: losses },
    });
  }

  function names_(table, key) {
    return table[key] || [key, key];
  }

  function appendText_(doc, parent, tag, cls, text) {
    const el = doc.createElement(tag);
    el.className = cls;
    el.textContent = text;
    parent.appendChild(el);
    return el;
  }

  function factValue_(value) {
    if (value == null) return "—";
    if (typeof value === "string")
      return /^\d{4}-\d{2}-\d{2}T/.test(value) ? longTime_(value) : value;
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  /**
   * The explanation panel of one badge: for each reason, the rule, the message and the facts.
   * @param {Document} doc
   * @param {string} title
   * @param {Array<{rule: string, message?: string, message_en?: string, facts?: Object<string, any>}>} sections
   * @param {string} lang
   */
  function buildTip_(doc, title, sections, lang) {
    const tip = doc.createElement("span");
    tip.className = "jdpg-tip";
    tip.setAttribute("role", "tooltip");
    appendText_(doc, tip, "span", "jdpg-tip__title", title);
    for (const s of sections) {
      const box = appendText_(doc, tip, "span", "jdpg-tip__section", "");
      const [zh, en] = names_(RULE_NAMES, s.rule);
      const ruleName = lang === "en" ? en : lang === "zh" ? zh : `${zh} ${en}`;
      appendText_(
        doc,
        box,
        "span",
        "jdpg-tip__rule",
        `${lang === "en" ? "Rule" : "规则"} ${s.rule} · ${ruleName}`,
      );
      if (lang !== "en" && s.message)
        appendText_(doc, box, "span", "jdpg-tip__reason", s.message);
      if (lang !== "zh" && (s.message_en || (lang === "en" && s.message))) {
        appendText_(
          doc,
          box,
          "span",
          "jdpg-tip__reason jdpg-tip__reason--en",
          s.message_en || s.message,
        );
      }
      const facts = Object.entries(s.facts || {});
      if (facts.length) {
        const list = appendText_(doc, box, "span", "jdpg-tip__facts", "");
        for (const [key, value] of facts) {
          const line = appendText_(doc, list, "span", "jdpg-tip__fact", "");
          const label =
            lang === "en" || !FACT_NAMES[key]
              ? key
              : `${FACT_NAMES[key]} ${key}`;
          appendText_(doc, line, "span", "jdpg-tip__key", label);
          appendText_(doc, line, "span", "jdpg-tip__value", factValue_(value));
        }
      }
    }
    return tip;
  }

  /**
   * One badge: a coloured chip whose explanation opens on hover, focus or click.
   * @param {Document} doc
   * @param {{tone: string, kind: string, zh: string, en: string, sections?: Array}} spec
   * @param {string} lang "zh" | "en" | "zh-en"
   */
  function badge_(doc, spec, lang) {
    const b = doc.createElement("span");
    b.className = `jdpg-badge jdpg-badge--${spec.tone}`;
    b.dataset.jdpgKind = spec.kind;
    b.tabIndex = 0;
    b.setAttribute("role", "button");
    b.setAttribute("aria-expanded", "false");
    if (lang !== "en") appendText_(doc, b, "span", "jdpg-badge__zh", spec.zh);
    if (lang !== "zh") {
      appendText_(
        doc,
        b,
        "span",
        lang === "en" ? "jdpg-badge__en" : "jdpg-badge__en jdpg-badge__en--sub",
        spec.en,
      );
    }
    const title =
      lang === "en"
        ? spec.en
        : lang === "zh"
          ? spec.zh
          : `${spec.zh} · ${spec.en}`;
    TIP_SPECS.set(b, {
      title,
      sections: uniqueSections_(spec.sections || []),
      lang,
    });
    return b;
  }

  /**
   * The badge's explanation panel, built on first use: most are never opened, and a page of
   * 100 orders renders much faster without a few thousand hidden nodes.
   * @param {Element} badge a `.jdpg-badge`
   * @return {Element|null} its `.jdpg-tip`
   */
  function explain(badge) {
    const existing = badge.querySelector(":scope > .jdpg-tip");
    if (existing) return existing;
    const spec = TIP_SPECS.get(badge);
    if (!spec) return null;
    return badge.appendChild(
      buildTip_(badge.ownerDocument, spec.title, spec.sections, spec.lang),
    );
  }

  /** A money item and the flag of the same rule often say the same thing: say it once. */
  function uniqueSections_(sections) {
    const seen = new Set();
    return sections.filter((s) => {
      const key = `${s.rule}\u0000${s.message || ""}`;
      if (s.message && seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /**
   * Puts the explanation under its badge in viewport coordinates: `position: fixed` escapes
   * the page's `overflow: hidden` tables and cards that would clip it.
   */
  function placeTip_(badge, tip) {
    if (!tip) return;
    const view = badge.ownerDocument.defaultView;
    const rect = badge.getBoundingClientRect();
    const width = Math.min(420, view.innerWidth - 16);
    tip.style.maxWidth = `${width}px`;
    tip.style.left = `${Math.max(8, Math.min(rect.left, view.innerWidth - width - 8))}px`;
    const below = view.innerHeight - rect.bottom;
    if (below < 220 && rect.top > below) {
      tip.style.top = "auto";
      tip.style.bottom = `${view.innerHeight - rect.top + 4}px`;
    } else {
      tip.style.bottom = "auto";
      tip.style.top = `${rect.bottom + 4}px`;
    }
    closeOnScroll_(badge.ownerDocument);
  }

  const scrollWatched = new WeakSet();

  /** A pinned explanation sits in viewport coordinates, so a scroll closes it. */
  function closeOnScroll_(doc) {
    if (scrollWatched.has(doc)) return;
    scrollWatched.add(doc);
    doc.addEventListener(
      "scroll",
      () => {
        for (const open of doc.querySelectorAll(".jdpg-badge.jdpg-open"))
          toggle_(open, false);
      },
      { capture: true, passive: true },
    );
  }

  function toggle_(badge, open) {
    badge.classList.toggle("jdpg-open", open);
    badge.setAttribute("aria-expanded", String(open));
  }

  /** Click/keyboard handling of a row's badges; events stop here so the page never sees them. */
  function wireRow_(row) {
    const onApproach = (event) => {
      const badge = event.target.closest && event.target.closest(".jdpg-badge");
      if (badge && !event.target.closest(".jdpg-tip"))
        placeTip_(badge, explain(badge));
    };
    row.addEventListener("mouseover", onApproach);
    row.addEventListener("focusin", onApproach);
    const onActivate = (event) => {
      const badge = event.target.closest(".jdpg-badge");
      if (badge && !event.target.closest(".jdpg-tip"))
        placeTip_(badge, explain(badge));
      if (event.type === "keydown") {
        if (event.key === "Escape" && badge) toggle_(badge, false);
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
      }
      event.stopPropagation();
      if (!badge || event.target.closest(".jdpg-tip")) return;
      const open = !badge.classList.contains("jdpg-open");
      for (const other of row.querySelectorAll(".jdpg-badge.jdpg-open"))
        toggle_(other, false);
      toggle_(badge, open);
    };
    row.addEventListener("click", onActivate);
    row.addEventListener("keydown", onActivate);
  }

  function newRow_(doc, state) {
    const row = doc.createElement("div");
    row.className = "jdpg-row";
    row.dataset.jdpgOwn = "";
    row.dataset.jdpgState = state;
    const brand = appendText_(doc, row, "span", "jdpg-row__brand", "JDPG");
    brand.setAttribute("aria-hidden", "true");
    wireRow_(row);
    return row;
  }

  function flagSection_(flag) {
    return {
      rule: flag.rule,
      message: flag.message,
      message_en: flag.message_en,
      facts: flag.facts,
    };
  }

  function shipSpec_(ship) {
    const at = shortTime(ship.deadline);
    const h =
      ship.status === "pending" || ship.status === "at_risk"
        ? hours_(ship.hours_left)
        : hours_(ship.late_by_hours);
    switch (ship.status) {
      case "pending":
        return {
          tone: "ok",
          kind: "ship-pending",
          zh: `发货截止 ${at} · 剩 ${h} 小时`,
          en: `Ship by ${at} · ${h} h left`,
        };
      case "at_risk":
        return {
          tone: "risk",
          kind: "ship-at-risk",
          zh: `即将超时 · 剩 ${h} 小时（${at} 前发货）`,
          en: `At risk · ${h} h left (ship by ${at})`,
        };
      case "overdue":
        return {
          tone: "late",
          kind: "ship-overdue",
          zh: `已超时 ${h} 小时未发货（截止 ${at}）`,
          en: `Overdue ${h} h (due ${at})`,
        };
      case "shipped_late":
        return {
          tone: "late",
          kind: "ship-late",
          zh: `发货超时 ${h} 小时（截止 ${at}）`,
          en: `Shipped ${h} h late (due ${at})`,
        };
      case "shipped_on_time":
        return {
          tone: "ok",
          kind: "ship-on-time",
          zh: `按时发货（截止 ${at}）`,
          en: `Shipped on time (due ${at})`,
        };
      default:
        return {
          tone: "muted",
          kind: "ship-unknown",
          zh: `已发货，时间未知（截止 ${at}）`,
          en: `Shipped, time unknown (due ${at})`,
        };
    }
  }

  function shipFacts_(ship) {
    const facts = {};
    for (const key of [
      "deadline",
      "hours_allowed",
      "basis",
      "shipped_basis",
      "platform_deadline",
      "shown_ship_by",
    ]) {
      if (ship[key] != null) facts[key] = ship[key];
    }
    return facts;
  }

  function sameInstant_(a, b) {
    return Date.parse(a) === Date.parse(b);
  }

  /**
   * The badge row for one order's API result.
   * @param {Object<string, any>} result one entry of the API's `results`
   * @param {{lang?: string, families?: Object<string, any>, asOf?: string, doc?: Document}} [opts]
   * @return {HTMLElement} a `div.jdpg-row`
   */
  function buildBadgeRow(result, opts) {
    const o = opts || {};
    const doc = o.doc || root.document;
    const lang = o.lang || "zh-en";
    const row = newRow_(doc, "result");
    const add = (spec) => row.appendChild(badge_(doc, spec, lang));

    if (result.errors && result.errors.length) {
      row.dataset.jdpgState = "error";
      add({
        tone: "muted",
        kind: "data-error",
        zh: "数据有误",
        en: "Data error",
        sections: result.errors.map((e) => ({
          rule: e.field || "input",
          message: e.message,
          message_en: e.message_en,
        })),
      });
      return row;
    }

    const r = filterResult(result, o.families);
    const flags = r.flags.slice();
    const take = (pred) => {
      const out = [];
      for (let i = flags.length - 1; i >= 0; i--) {
        if (pred(flags[i])) out.unshift(flags.splice(i, 1)[0]);
      }
      return out.map(flagSection_);
    };

    if (r.ship && r.ship.deadline) {
      const spec = shipSpec_(r.ship);
      const shipFlags = take(
        (f) =>
          f.rule === (r.ship.rule || "SHIP-DEADLINE") &&
          !/SHOWN|PROMISE/.test(f.code),
      );
      spec.sections = shipFlags.length
        ? shipFlags.map((s) =>
            Object.assign({}, s, {
              facts: Object.assign(shipFacts_(r.ship), s.facts || {}),
            }),
          )
        : [{ rule: r.ship.rule || "SHIP-DEADLINE", facts: shipFacts_(r.ship) }];
      add(spec);
      const shown = r.ship.shown_ship_by;
      const shownFlags = take((f) => /SHOWN|PROMISE/.test(f.code));
      if (
        (shown && !sameInstant_(shown, r.ship.deadline)) ||
        shownFlags.length
      ) {
        add({
          tone: "risk",
          kind: "ship-shown-differs",
          zh: `京东显示截止 ${shortTime(shown)} ≠ 规则 ${shortTime(r.ship.deadline)}`,
          en: `JD shows ${shortTime(shown)} ≠ rule ${shortTime(r.ship.deadline)}`,
          sections: shownFlags.length
            ? shownFlags
            : [
                {
                  rule: r.ship.rule || "SHIP-DEADLINE",
                  message:
                    "京东页面显示的承诺发货时间与按规则算出的截止时间不同，以较早者为准。",
                  message_en:
                    "The promise time JD shows differs from the rule's deadline; the earlier one binds.",
                  facts: { shown_ship_by: shown, deadline: r.ship.deadline },
                },
              ],
        });
      }
    }

    for (const item of r.losses.items) {
      const [zh, en] = names_(RULE_NAMES, item.rule);
      const subsidy = item.rule === "SHIP-SUBSIDY";
      add({
        tone: "late",
        kind: subsidy ? "subsidy-forfeited" : "loss",
        zh: subsidy
          ? `补贴作废 ¥${item.amount}`
          : `损失 ¥${item.amount} · ${zh}`,
        en: subsidy
          ? `Subsidy forfeited ¥${item.amount}`
          : `Loss ¥${item.amount} · ${en}`,
        sections: [
          {
            rule: item.rule,
            message: item.message,
            message_en: item.message_en,
            facts: item.facts,
          },
        ].concat(take((f) => f.rule === item.rule)),
      });
    }

    for (const item of r.compensation.items) {
      const [zh, en] = names_(RULE_NAMES, item.rule);
      const ifClaimed = item.status === "if_claimed";
      const facts = Object.assign(
        { payer: item.payer, payee: item.payee },
        item.facts || {},
      );
      add({
        tone: ifClaimed ? "risk" : "owed",
        kind: ifClaimed ? "compensation-if-claimed" : "compensation-owed",
        zh: `${ifClaimed ? "若索赔" : "应赔"} ¥${item.amount} · ${zh}`,
        en: `${ifClaimed ? "If claimed" : "Owed"} ¥${item.amount} · ${en}`,
        sections: [
          {
            rule: item.rule,
            message: item.message,
            message_en: item.message_en,
            facts,
          },
        ].concat(take((f) => f.rule === item.rule)),
      });
    }

    // A subsidy flag with no amount known still has to show.
    for (const section of take((f) => f.code === "SUBSIDY_FORFEITED")) {
      add({
        tone: "late",
        kind: "subsidy-forfeited",
        zh: "补贴作废",
        en: "Subsidy forfeited",
        sections: [section],
      });
    }

    const asOf = o.asOf || result.as_of || null;
    for (const [key, value] of Object.entries(r.deadlines)) {
      if (key === "ship_by" || !DEADLINE_NAMES[key]) continue;
      const passed = asOf ? Date.parse(value) < Date.parse(asOf) : false;
      const [zh, en] = DEADLINE_NAMES[key];
      const rule = DEADLINE_RULES[key];
      const sections = take((f) => f.rule === rule);
      add({
        tone: passed ? "muted" : "info",
        kind: `deadline-${key.replace(/_/g, "-")}`,
        zh: `${zh} ${shortTime(value)}${passed ? "（已过）" : ""}`,
        en: `${en} ${shortTime(value)}${passed ? " (passed)" : ""}`,
        sections: sections.length
          ? sections
          : [{ rule, facts: { [key]: value } }],
      });
    }

    for (const flag of flags) {
      const [zh, en] = names_(FLAG_NAMES, flag.code);
      add({
        tone: SEVERITY_TONES[flag.severity] || "info",
        kind: `flag-${flag.code.toLowerCase().replace(/_/g, "-")}`,
        zh,
        en,
        sections: [flagSection_(flag)],
      });
    }

    if (row.querySelectorAll(".jdpg-badge").length === 0) {
      add({
        tone: "muted",
        kind: "nothing-due",
        zh: "无待办",
        en: "Nothing due",
        sections: (r.skipped || []).map((rule) => {
          const why = (r.skipped_reasons || {})[rule] || {};
          return {
            rule,
            message: why.message || "缺少数据，未检查",
            message_en: why.message_en || "not checked: data missing",
          };
        }),
      });
    }
    return row;
  }

  /**
   * The grey row of an order the page did not let us read: it gets no flags at all.
   * @param {string[]} problems the fields that could not be read
   * @param {{lang?: string, doc?: Document}} [opts]
   */
  function buildUnreadableRow(problems, opts) {
    const o = opts || {};
    const doc = o.doc || root.document;
    const row = newRow_(doc, "unreadable");
    row.appendChild(
      badge_(
        doc,
        {
          tone: "muted",
          kind: "unreadable",
          zh: "无法读取",
          en: "Cannot read",
          sections: [
            {
              rule: "JDPG-READ",
              message: `页面上找不到或看不懂：${problems.join("、")}。为避免误报，此单不做检查。`,
              message_en: `Could not find or understand on the page: ${problems.join(", ")}. Not checked, to avoid a wrong flag.`,
            },
          ],
        },
        o.lang || "zh-en",
      ),
    );
    return row;
  }

  /**
   * The grey row of an order that could not be checked (API down, key wrong) or is waiting.
   * @param {"unavailable"|"pending"} state
   * @param {{lang?: string, doc?: Document, message?: string, message_en?: string}} [opts]
   */
  function buildStatusRow(state, opts) {
    const o = opts || {};
    const doc = o.doc || root.document;
    const row = newRow_(doc, state);
    const pending = state === "pending";
    row.appendChild(
      badge_(
        doc,
        {
          tone: "muted",
          kind: pending ? "pending" : "unavailable",
          zh: pending ? "检查中…" : "未检查",
          en: pending ? "Checking…" : "Not checked",
          sections: pending
            ? []
            : [
                {
                  rule: "JDPG-API",
                  message: o.message,
                  message_en: o.message_en,
                },
              ],
        },
        o.lang || "zh-en",
      ),
    );
    return row;
  }

  /**
   * Page totals over the orders shown.
   * @param {Array<{state: string, result?: Object<string, any>}>} entries result entries must be filtered
   * @return {Object<string, any>}
   */
  function summarize(entries) {
    const s = {
      orders: entries.length,
      late: 0,
      overdue: 0,
      shipped_late: 0,
      at_risk: 0,
      owed: 0,
      if_claimed: 0,
      losses: 0,
      unreadable: 0,
      unavailable: 0,
      errors: 0,
      pending: 0,
    };
    for (const e of entries) {
      if (e.state !== "result") {
        if (e.state in s) s[e.state] += 1;
        continue;
      }
      const r = e.result;
      if (r.errors && r.errors.length) {
        s.errors += 1;
        continue;
      }
      const status = r.ship && r.ship.status;
      if (status === "overdue") s.overdue += 1;
      if (status === "shipped_late") s.shipped_late += 1;
      if (status === "at_risk") s.at_risk += 1;
      s.owed += toFen(r.compensation && r.compensation.total);
      s.if_claimed += toFen(r.compensation && r.compensation.if_claimed_total);
      s.losses += toFen(r.losses && r.losses.total);
    }
    s.late = s.overdue + s.shipped_late;
    return s;
  }

  function chip_(doc, bar, tone, kind, zh, en, lang) {
    const chip = doc.createElement("span");
    chip.className = `jdpg-chip jdpg-chip--${tone}`;
    chip.dataset.jdpgKind = kind;
    if (lang !== "en") appendText_(doc, chip, "span", "jdpg-badge__zh", zh);
    if (lang !== "zh")
      appendText_(
        doc,
        chip,
        "span",
        lang === "en" ? "jdpg-badge__en" : "jdpg-badge__en jdpg-badge__en--sub",
        en,
      );
    bar.appendChild(chip);
  }

  /**
   * Fills (or refills) the summary bar; does nothing when nothing changed, so the page sees
   * no mutation and nothing flickers.
   * @param {HTMLElement|null} bar an element from a previous call, or null for a new one
   * @param {Object<string, any>} s from summarize()
   * @param {{lang?: string, doc?: Document, notice?: {message: string, message_en: string}|null}} [opts]
   * @return {HTMLElement} the bar
   */
  function renderSummaryBar(bar, s, opts) {
    const o = opts || {};
    const doc = o.doc || root.document;
    const lang = o.lang || "zh-en";
    if (!bar) {
      bar = doc.createElement("div");
      bar.className = "jdpg-bar";
      bar.dataset.jdpgOwn = "";
      bar.setAttribute("role", "status");
    }
    const signature = JSON.stringify([s, lang, o.notice || null]);
    if (bar.dataset.jdpgSignature === signature) return bar;
    bar.dataset.jdpgSignature = signature;
    bar.dataset.jdpgLate = String(s.late);
    bar.dataset.jdpgAtRisk = String(s.at_risk);
    bar.dataset.jdpgOwed = fenToYuan(s.owed);
    bar.textContent = "";
    appendText_(doc, bar, "span", "jdpg-bar__brand", "JD Promo Guard");
    chip_(
      doc,
      bar,
      "plain",
      "orders",
      `本页 ${s.orders} 单`,
      `${s.orders} orders`,
      lang,
    );
    chip_(
      doc,
      bar,
      s.late ? "late" : "plain",
      "late",
      `超时 ${s.late}`,
      `Late ${s.late}`,
      lang,
    );
    chip_(
      doc,
      bar,
      s.at_risk ? "risk" : "plain",
      "at-risk",
      `即将超时 ${s.at_risk}`,
      `At risk ${s.at_risk}`,
      lang,
    );
    chip_(
      doc,
      bar,
      s.owed ? "owed" : "plain",
      "owed",
      `应付赔偿 ¥${fenToYuan(s.owed)}`,
      `Owed ¥${fenToYuan(s.owed)}`,
      lang,
    );
    if (s.if_claimed) {
      chip_(
        doc,
        bar,
        "risk",
        "if-claimed",
        `若索赔 ¥${fenToYuan(s.if_claimed)}`,
        `If claimed ¥${fenToYuan(s.if_claimed)}`,
        lang,
      );
    }
    if (s.losses) {
      chip_(
        doc,
        bar,
        "late",
        "losses",
        `补贴损失 ¥${fenToYuan(s.losses)}`,
        `Lost ¥${fenToYuan(s.losses)}`,
        lang,
      );
    }
    const grey = s.unreadable + s.errors;
    if (grey)
      chip_(
        doc,
        bar,
        "muted",
        "unreadable",
        `无法读取 ${grey}`,
        `Unreadable ${grey}`,
        lang,
      );
    if (o.notice) {
      const notice = appendText_(doc, bar, "span", "jdpg-notice", "");
      notice.setAttribute("role", "alert");
      if (lang !== "en")
        appendText_(doc, notice, "span", "jdpg-badge__zh", o.notice.message);
      if (lang !== "zh")
        appendText_(
          doc,
          notice,
          "span",
          "jdpg-badge__en jdpg-badge__en--sub",
          o.notice.message_en,
        );
    }
    return bar;
  }

  root.JdpgRender = Object.freeze({
    FAMILY_PREFIXES,
    ruleFamily,
    filterResult,
    buildBadgeRow,
    buildUnreadableRow,
    buildStatusRow,
    summarize,
    renderSummaryBar,
    explain,
    shortTime,
    toFen,
    fenToYuan,
  });
})(globalThis);
