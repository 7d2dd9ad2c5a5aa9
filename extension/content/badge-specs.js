/**
 * What each badge says, worked out from one API result: plain objects, no DOM, no chrome.*,
 * every word from the vocabulary (common/vocabulary.js) in the merchant's language, durations
 * as common/duration.js says them. Loaded by
 * the content script, the demo page and `node --test`. Defines one global, `JdpgSpecs`.
 *
 * A spec is {tone, kind, zh, en, title, sections}; a section is {heading, reasons, facts}
 * with facts as [{label, value}], all already in the language asked for.
 */
(function (root) {
  "use strict";

  /** data-jdpg-kind of the ship badge for each ship.status (scripts and tests select on it). */
  const SHIP_KINDS = {
    pending: "ship-pending",
    at_risk: "ship-at-risk",
    overdue: "ship-overdue",
    shipped_late: "ship-late",
    shipped_on_time: "ship-on-time",
    shipped_time_unknown: "ship-unknown",
  };

  /** The `ship` fields a ship badge's explanation lists, in this order. */
  const SHIP_FACTS = [
    "deadline",
    "hours_allowed",
    "basis",
    "shipped_basis",
    "platform_deadline",
    "shown_ship_by",
  ];

  const SHIP_RULE = "SHIP-DEADLINE";

  /**
   * One entry's words in a language: "zh", "en" or both.
   * @param {{zh: string, en: string}|undefined} entry
   * @param {string} lang "zh" | "en" | "zh-en"
   * @param {string} fallback when the vocabulary has no entry
   * @return {string}
   */
  function word(entry, lang, fallback) {
    if (!entry) return fallback;
    if (lang === "zh") return entry.zh;
    if (lang === "en") return entry.en;
    return entry.zh === entry.en ? entry.zh : `${entry.zh} ${entry.en}`;
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
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
    return m ? `${m[1]} ${m[2]}` : iso;
  }

  /** A fact's value as a merchant reads it: times, code words, yes/no, ranges. */
  function factValue_(vocab, lang, key, value) {
    if (value == null) return "—";
    if (typeof value === "boolean")
      return word(vocab.ui[value ? "yes" : "no"], lang, String(value));
    if (Array.isArray(value)) {
      // A list of order fields (what is unverified, what is missing): their labels.
      if (value.length && value.every((v) => vocab.fields[v]))
        return value
          .map((v) => word(vocab.fields[v], lang, v))
          .join(lang === "en" ? ", " : "、");
      return value.map((v) => factValue_(vocab, lang, key, v)).join(" – ");
    }
    if (typeof value === "object") return JSON.stringify(value);
    const text = String(value);
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) return longTime_(text);
    const codes = vocab.values[key];
    if (codes && codes[text]) return word(codes[text], lang, text);
    return text;
  }

  /**
   * A section in the merchant's language: heading (rule or field), reasons, labelled facts.
   * @param {Object<string, any>} vocab
   * @param {string} lang
   * @param {{rule?: string, field?: string, message?: string, message_en?: string, facts?: Object<string, any>}} s
   */
  function localize_(vocab, lang, s) {
    let heading = "";
    if (s.rule) {
      const r = vocab.rules[s.rule];
      const name = r ? word({ zh: r.short, en: r.short_en }, lang, "") : "";
      heading = `${word(vocab.ui.rule, lang === "zh-en" ? "zh" : lang, "")} ${s.rule}${name ? " · " + name : ""}`;
    } else if (s.field) {
      heading = word(
        vocab.fields[s.field] || vocab.facts[s.field],
        lang,
        s.field,
      );
    }
    const reasons = [];
    if (lang !== "en" && s.message) reasons.push(s.message);
    if (lang !== "zh" && (s.message_en || (lang === "en" && s.message)))
      reasons.push(s.message_en || s.message);
    const facts = Object.entries(s.facts || {}).map(([key, value]) => ({
      label: word(vocab.facts[key] || vocab.deadlines[key], lang, key),
      value: factValue_(vocab, lang, key, value),
    }));
    return { heading, reasons, facts };
  }

  /** A money item and the flag of the same rule often say the same thing: say it once. */
  function unique_(sections) {
    const seen = new Set();
    return sections.filter((s) => {
      const key = `${s.rule || s.field}\u0000${s.message || ""}`;
      if (s.message && seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /**
   * A badge spec from its raw parts.
   * @param {Object<string, any>} vocab
   * @param {string} lang
   * @param {{tone: string, kind: string, zh: string, en: string, sections?: Array<Object<string, any>>}} raw
   */
  function spec_(vocab, lang, raw) {
    return {
      tone: raw.tone,
      kind: raw.kind,
      zh: raw.zh,
      en: raw.en,
      title:
        lang === "en"
          ? raw.en
          : lang === "zh"
            ? raw.zh
            : `${raw.zh} · ${raw.en}`,
      sections: unique_(raw.sections || []).map((s) =>
        localize_(vocab, lang, s),
      ),
    };
  }

  /**
   * A flag's, money item's or skip reason's sentences: rendered from its `words` when the result
   * is lean (common/messages.js), else the sentences a full result carries.
   * @param {{words?: Object, message?: string, message_en?: string}} item
   * @return {{message: (string|undefined), message_en: (string|undefined)}}
   */
  function said_(item) {
    const M = root.JdpgMessages;
    if (M && item.words) {
      return {
        message: M.message(item, "zh") || undefined,
        message_en: M.message(item, "en") || undefined,
      };
    }
    return { message: item.message, message_en: item.message_en };
  }

  function flagSection_(flag) {
    return Object.assign({ rule: flag.rule, facts: flag.facts }, said_(flag));
  }

  function fillBoth_(vocab, entry, values) {
    return {
      zh: vocab.fill(entry.zh, values),
      en: vocab.fill(entry.en, values),
    };
  }

  /**
   * The badges of one order's API result, in the order they are shown.
   * @param {Object<string, any>} result one entry of the API's `results`
   * @param {{vocab: Object<string, any>, lang?: string, asOf?: string|null}} opts
   * @return {Array<Object<string, any>>} specs
   */
  function badgeSpecs(result, opts) {
    const vocab = opts.vocab;
    const lang = opts.lang || "zh-en";
    const ui = vocab.ui;
    const raws = [];
    const flags = (result.flags || []).slice();
    /** Removes and returns the flags `pred` picks. */
    const take = (pred) => {
      const out = [];
      for (let i = flags.length - 1; i >= 0; i--) {
        if (pred(flags[i])) out.unshift(flags.splice(i, 1)[0]);
      }
      return out;
    };
    const inGroup = (group, rule) => (f) =>
      f.group === group && (rule == null || f.rule === rule);

    const ship = result.ship;
    if (ship && ship.deadline) {
      const rule = ship.rule || SHIP_RULE;
      const words = vocab.ship_status[ship.status] || {
        badge: ship.status,
        badge_en: ship.status,
        tone: "muted",
      };
      const at = shortTime(ship.deadline);
      // Time left rounded down, time late up (common/duration.js, as the rules round them).
      const left = root.JdpgDuration.fromHours(ship.hours_left, false);
      const late = root.JdpgDuration.fromHours(ship.late_by_hours, true);
      const shipFacts = {};
      for (const key of SHIP_FACTS)
        if (ship[key] != null) shipFacts[key] = ship[key];
      const shipFlags = take(inGroup("ship")).map(flagSection_);
      raws.push({
        tone: words.tone,
        kind: SHIP_KINDS[ship.status] || "ship-unknown",
        zh: vocab.fill(words.badge, { at, left: left.zh, late: late.zh }),
        en: vocab.fill(words.badge_en, { at, left: left.en, late: late.en }),
        sections: shipFlags.length
          ? shipFlags.map((s) =>
              Object.assign({}, s, {
                facts: Object.assign({}, shipFacts, s.facts || {}),
              }),
            )
          : [{ rule, facts: shipFacts }],
      });
      const shown = ship.shown_ship_by;
      const promiseFlags = take(inGroup("promise")).map(flagSection_);
      if (
        (shown && Date.parse(shown) !== Date.parse(ship.deadline)) ||
        promiseFlags.length
      ) {
        const ruleTime =
          (promiseFlags.length &&
            promiseFlags[0].facts &&
            promiseFlags[0].facts.rule_deadline) ||
          ship.platform_deadline ||
          ship.deadline;
        raws.push(
          Object.assign(
            {
              tone: "risk",
              kind: "ship-shown-differs",
              sections: promiseFlags.length
                ? promiseFlags
                : [
                    {
                      rule,
                      message: ui.shown_differs_reason.zh,
                      message_en: ui.shown_differs_reason.en,
                      facts: { shown_ship_by: shown, deadline: ship.deadline },
                    },
                  ],
            },
            fillBoth_(vocab, ui.shown_differs, {
              shown: shortTime(shown || ship.deadline),
              rule: shortTime(ruleTime),
            }),
          ),
        );
      }
    } else {
      const why = (result.skipped_reasons || {})[SHIP_RULE];
      if (why && why.missing && why.missing.length) {
        raws.push({
          tone: "muted",
          kind: "ship-cannot-tell",
          zh: ui.cannot_tell_ship.zh,
          en: ui.cannot_tell_ship.en,
          sections: [Object.assign({ rule: SHIP_RULE }, said_(why))],
        });
      }
    }

    const ruleShort = (rule) => {
      const r = vocab.rules[rule];
      return r ? { zh: r.short, en: r.short_en } : { zh: rule, en: rule };
    };
    const moneySection = (item, extraFacts) =>
      Object.assign(
        { rule: item.rule, facts: Object.assign(extraFacts || {}, item.facts || {}) },
        said_(item),
      );

    for (const item of (result.losses && result.losses.items) || []) {
      const own = take(inGroup("money", item.rule));
      const flagWords = own.length && vocab.flags[own[0].code];
      const name = ruleShort(item.rule);
      raws.push({
        tone: "late",
        kind: "loss",
        zh: flagWords
          ? `${flagWords.zh} ¥${item.amount}`
          : `${ui.lost.zh} ¥${item.amount} · ${name.zh}`,
        en: flagWords
          ? `${flagWords.en} ¥${item.amount}`
          : `${ui.lost.en} ¥${item.amount} · ${name.en}`,
        sections: [moneySection(item)].concat(own.map(flagSection_)),
      });
    }

    for (const item of (result.compensation && result.compensation.items) ||
      []) {
      const ifClaimed = item.status === "if_claimed";
      const lead = ifClaimed ? ui.if_claimed : ui.owed;
      const name = ruleShort(item.rule);
      raws.push({
        tone: ifClaimed ? "risk" : "owed",
        kind: ifClaimed ? "compensation-if-claimed" : "compensation-owed",
        zh: `${lead.zh} ¥${item.amount} · ${name.zh}`,
        en: `${lead.en} ¥${item.amount} · ${name.en}`,
        sections: [
          moneySection(item, { payer: item.payer, payee: item.payee }),
        ].concat(take(inGroup("money", item.rule)).map(flagSection_)),
      });
    }

    const asOf = opts.asOf || result.as_of || null;
    for (const [key, value] of Object.entries(result.deadlines || {})) {
      if (key === "ship_by" || !value) continue;
      const label = vocab.deadlines[key] || { zh: key, en: key, rule: "" };
      const passed = asOf ? Date.parse(value) < Date.parse(asOf) : false;
      const sections = take(inGroup("deadline", label.rule)).map(flagSection_);
      const at = shortTime(value);
      raws.push({
        tone: passed ? "muted" : "info",
        kind: `deadline-${key.replace(/_/g, "-")}`,
        zh: `${label.zh} ${at}${passed ? ui.passed.zh : ""}`,
        en: `${label.en} ${at}${passed ? ui.passed.en : ""}`,
        sections: sections.length
          ? sections
          : [{ rule: label.rule || null, facts: { [key]: value } }],
      });
    }

    // Whatever flag is left has no badge of its group on this row: it gets its own.
    for (const flag of flags) {
      const words = vocab.flags[flag.code] || { zh: flag.code, en: flag.code };
      raws.push({
        tone:
          (vocab.severities[flag.severity] || { tone: "info" }).tone || "info",
        kind: `flag-${String(flag.code).toLowerCase().replace(/_/g, "-")}`,
        zh: words.zh,
        en: words.en,
        sections: [flagSection_(flag)],
      });
    }

    const errors = result.errors || [];
    const errorSections = errors.map((e) => ({
      field: e.field || "input",
      message: e.message,
      message_en: e.message_en,
    }));
    const real = raws.filter((r) => r.kind !== "ship-cannot-tell");
    if (errors.length && !real.length) {
      raws.length = 0;
      raws.push({
        tone: "muted",
        kind: "data-error",
        zh: ui.data_error.zh,
        en: ui.data_error.en,
        sections: errorSections,
      });
    } else if (errors.length) {
      raws.push({
        tone: "muted",
        kind: "data-problem",
        zh: ui.data_problem.zh,
        en: ui.data_problem.en,
        sections: errorSections,
      });
    } else if (!raws.length) {
      raws.push({
        tone: "muted",
        kind: "nothing-due",
        zh: ui.nothing_due.zh,
        en: ui.nothing_due.en,
        sections: (result.skipped || []).map((rule) => {
          const why = said_((result.skipped_reasons || {})[rule] || {});
          return {
            rule,
            message: why.message || ui.missing_data.zh,
            message_en: why.message_en || ui.missing_data.en,
          };
        }),
      });
    }
    return raws.map((raw) => spec_(vocab, lang, raw));
  }

  /**
   * The grey badge of an order the page did not let us read.
   * @param {string[]} problems the order fields that could not be read
   * @param {{vocab: Object<string, any>, lang?: string}} opts
   */
  function unreadableSpec(problems, opts) {
    const vocab = opts.vocab;
    const lang = opts.lang || "zh-en";
    const label = (name, which) => {
      const entry = vocab.fields[name] || vocab.facts[name];
      return entry ? entry[which] : name;
    };
    const zhFields = problems.map((p) => label(p, "zh")).join("、");
    const enFields = problems.map((p) => label(p, "en")).join(", ");
    return spec_(vocab, lang, {
      tone: "muted",
      kind: "unreadable",
      zh: vocab.ui.cannot_read.zh,
      en: vocab.ui.cannot_read.en,
      sections: [
        {
          message: vocab.fill(vocab.ui.unreadable_reason.zh, {
            fields: zhFields,
          }),
          message_en: vocab.fill(vocab.ui.unreadable_reason.en, {
            fields: enFields,
          }),
        },
      ],
    });
  }

  /**
   * The grey badge of an order waiting for its result, or not checked (API down, key wrong).
   * @param {"pending"|"unavailable"} state
   * @param {{vocab: Object<string, any>, lang?: string, notice?: {message: string, message_en: string}|null}} opts
   */
  function statusSpec(state, opts) {
    const ui = opts.vocab.ui;
    const pending = state === "pending";
    const words = pending ? ui.checking : ui.not_checked;
    return spec_(opts.vocab, opts.lang || "zh-en", {
      tone: "muted",
      kind: pending ? "pending" : "unavailable",
      zh: words.zh,
      en: words.en,
      sections: pending || !opts.notice ? [] : [opts.notice],
    });
  }

  /**
   * Totals over the orders of a page. Results come from the API already limited to the
   * merchant's families, so they are added up as they are.
   * @param {Array<{state: string, result?: Object<string, any>}>} entries
   * @param {{toFen: (yuan: string) => number}} money common/money.js
   * @return {Object<string, any>} counts, money in fen, and `measured` (false: no total is known)
   */
  function summarize(entries, money) {
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
      checked: 0,
    };
    for (const e of entries) {
      if (e.state !== "result") {
        if (e.state in s) s[e.state] += 1;
        continue;
      }
      s.checked += 1;
      const r = e.result;
      if (r.errors && r.errors.length) s.errors += 1;
      const status = r.ship && r.ship.status;
      if (status === "overdue") s.overdue += 1;
      if (status === "shipped_late") s.shipped_late += 1;
      if (status === "at_risk") s.at_risk += 1;
      s.owed += money.toFen(r.compensation && r.compensation.total);
      s.if_claimed += money.toFen(
        r.compensation && r.compensation.if_claimed_total,
      );
      s.losses += money.toFen(r.losses && r.losses.total);
    }
    s.late = s.overdue + s.shipped_late;
    s.not_judged = notJudged_(entries);
    // Ship counts were not measured when no checked order could be judged for shipping.
    const ship = s.not_judged.shipping;
    s.ship_measured = !(ship && s.checked > 0 && ship.orders === s.checked);
    // Not measured at all when orders wait unchecked (API down, key wrong) and none was
    // checked: the totals then read "—" (ui.not_measured), never 0.
    s.measured = !(s.unavailable > 0 && s.checked === 0);
    return s;
  }

  /**
   * Coverage of the checked orders, as the core counts it (shared/coverage.py): for each rule
   * family, the orders one of its rules could not judge for want of data (a skip with a `gap`),
   * once per order, with the reasons in the merchant's words. Families judged for every order
   * are left out.
   * @param {Array<{state: string, result?: Object<string, any>}>} entries
   * @return {Object<string, {orders: number, reasons: Array<{code: string, field: ?string, orders: number, zh: string, en: string}>}>}
   */
  function notJudged_(entries) {
    const vocab = root.JDPG_VOCAB;
    const families = vocab.lists.rule_family;
    const out = {};
    for (const e of entries) {
      if (e.state !== "result") continue;
      const r = e.result;
      const reasons = r.skipped_reasons || {};
      const seen = new Set();
      for (const rule of r.skipped || []) {
        const why = reasons[rule];
        const family = families[rule];
        if (!why || !why.gap || !family || seen.has(family)) continue;
        seen.add(family);
        const field = why.missing && why.missing.length ? why.missing[0] : null;
        const entry = (out[family] = out[family] || { orders: 0, reasons: {} });
        entry.orders += 1;
        const key = `${why.gap}\u0000${field}`;
        entry.reasons[key] = entry.reasons[key] || { code: why.gap, field, orders: 0 };
        entry.reasons[key].orders += 1;
      }
    }
    // Families in the vocabulary's order; reasons most orders first, as the core gives them.
    const ordered = {};
    for (const family of vocab.lists.families) {
      const entry = out[family];
      if (!entry) continue;
      entry.reasons = Object.values(entry.reasons)
        .sort((a, b) => b.orders - a.orders)
        .map((reason) => Object.assign(reason, coverageWords_(vocab, family, reason)));
      ordered[family] = entry;
    }
    return ordered;
  }

  /** A coverage reason's sentence in both languages (vocabulary messages coverage_<code>). */
  function coverageWords_(vocab, family, reason) {
    const label = vocab.fields[reason.field] || { zh: reason.field, en: reason.field };
    const words = {
      code: `coverage_${reason.code}`,
      params: {
        orders: String(reason.orders),
        family: { phrase: `phrases.family.${family}` },
        column: {
          zh: `${label.zh}（${reason.field}）`,
          en: `${label.en} (${reason.field})`,
        },
      },
    };
    const M = root.JdpgMessages;
    return {
      zh: M.render(words, "zh") || reason.code,
      en: M.render(words, "en") || reason.code,
    };
  }

  /**
   * The summary bar's chips: [{tone, kind, zh, en}], in order. Totals not measured read "—"
   * in the error tone; orders left unchecked are counted in a chip of their own.
   * @param {Object<string, number>} s from summarize()
   * @param {{vocab: Object<string, any>, money: {fenToYuan: (fen: number) => string}}} opts
   */
  function summaryChips(s, opts) {
    const { vocab, money } = opts;
    const ui = vocab.ui;
    const chip = (tone, kind, entry, values) =>
      Object.assign({ tone, kind }, fillBoth_(vocab, entry, values));
    /** @type {Array<Object<string, any>>} */
    const chips = s.measured
      ? [
          chip("plain", "orders", ui.page_orders, { n: s.orders }),
          s.ship_measured
            ? chip(s.late ? "late" : "plain", "late", ui.late_count, {
                n: s.late,
              })
            : chip("error", "late", ui.late_count, { n: ui.not_measured.zh }),
          s.ship_measured
            ? chip(s.at_risk ? "risk" : "plain", "at-risk", ui.at_risk_count, {
                n: s.at_risk,
              })
            : chip("error", "at-risk", ui.at_risk_count, {
                n: ui.not_measured.zh,
              }),
          chip(s.owed ? "owed" : "plain", "owed", ui.owed_total, {
            amount: money.fenToYuan(s.owed),
          }),
        ]
      : [
          chip("plain", "orders", ui.page_orders, { n: s.orders }),
          chip("error", "late", ui.late_count, { n: ui.not_measured.zh }),
          chip("error", "at-risk", ui.at_risk_count, { n: ui.not_measured.zh }),
          chip("error", "owed", ui.owed_unmeasured, {}),
        ];
    if (s.unavailable)
      chips.push(
        chip("error", "not-checked", ui.not_checked_count, {
          n: s.unavailable,
        }),
      );
    for (const [family, entry] of Object.entries(s.not_judged || {})) {
      const name = vocab.phrases.family[family] || { zh: family, en: family };
      chips.push({
        tone: "error",
        kind: "not-judged",
        family,
        zh: vocab.fill(ui.not_judged_count.zh, { family: name.zh, n: entry.orders }),
        en: vocab.fill(ui.not_judged_count.en, { family: name.en, n: entry.orders }),
        reasons: entry.reasons.map((r) => ({ zh: r.zh, en: r.en })),
      });
    }
    if (s.if_claimed)
      chips.push(
        chip("risk", "if-claimed", ui.if_claimed_total, {
          amount: money.fenToYuan(s.if_claimed),
        }),
      );
    if (s.losses)
      chips.push(
        chip("late", "losses", ui.lost_total, {
          amount: money.fenToYuan(s.losses),
        }),
      );
    const grey = s.unreadable + s.errors;
    if (grey)
      chips.push(chip("muted", "unreadable", ui.unreadable_count, { n: grey }));
    return chips;
  }

  root.JdpgSpecs = Object.freeze({
    badgeSpecs,
    unreadableSpec,
    statusSpec,
    summarize,
    summaryChips,
    shortTime,
    word,
  });
})(globalThis);
