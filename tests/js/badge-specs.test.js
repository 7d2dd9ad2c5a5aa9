'use strict';
// What the badges say (content/badge-specs.js), worked out from results of the real API for
// the demo's sample orders and a few partial ones: every word from the vocabulary, flags on
// the badge of their group, the problem mark beside what could still be worked out.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { load } = require('./harness/extension');
const { startApi, REPO } = require('./harness/api-server');

const { JdpgSpecs: S, JdpgMoney: M, JDPG_VOCAB: V } = load('common/money.js', 'content/badge-specs.js');
const AS_OF = '2022-06-20T12:00:00+08:00';
const SAMPLE = JSON.parse(fs.readFileSync(path.join(REPO, 'server/demo/sample_orders.json'), 'utf8'));
const EXTRA = [
  // A bad quantity beside good times: the ship deadline is still worked out.
  { order_id: '990000000001', paid_at: '2022-06-19 10:00:00', order_status: '等待出库', quantity: 'abc' },
  // A status word nobody knows: the ship rule cannot tell.
  { order_id: '990000000002', paid_at: '2022-06-19 10:00:00', order_status: '怪状态' },
  // In a subsidy activity, overdue, amount unknown: the subsidy flag has no money badge to join.
  { order_id: '990000000003', paid_at: '2022-06-16 10:00:00', order_status: '等待出库', platform: 'jingxi', subsidy_activity: '百亿补贴' },
];

let api;
const results = {};
before(async () => {
  api = await startApi();
  const post = async (orders, options) => {
    const response = await fetch(`${api.url}/api/v1/orders/annotate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': api.apiKey },
      body: JSON.stringify({ as_of: AS_OF, orders, options }),
    });
    assert.equal(response.status, 200);
    return (await response.json()).results;
  };
  for (const r of await post(SAMPLE.orders.map((e) => e.order).concat(EXTRA))) results[r.order_id] = r;
  results.shippingOnly = await post(SAMPLE.orders.map((e) => e.order), { families: ['price'] });
});
after(async () => {
  await api.stop();
});

const specs = (id, lang = 'zh-en') => S.badgeSpecs(results[id], { vocab: V, lang, asOf: AS_OF });
const kinds = (id) => specs(id).map((s) => s.kind);
const byKind = (id, kind, lang) => {
  const found = specs(id, lang).find((s) => s.kind === kind);
  assert.ok(found, `${id}: no ${kind} in ${kinds(id)}`);
  return found;
};
const tipText = (spec) => spec.sections.map((s) => [s.heading, ...s.reasons, ...s.facts.map((f) => f.label + f.value)].join('|')).join('||');

test('ship badges say what the vocabulary says for their status, with the deadline and hours', () => {
  const late = byKind('248736120451', 'ship-late');
  assert.equal(late.zh, V.fill(V.ship_status.shipped_late.badge, { at: '06-20 10:00', late: '1 小时' }));
  assert.equal(late.en, 'Shipped 1 h late (due 06-20 10:00)');
  assert.equal(late.tone, V.ship_status.shipped_late.tone);
  assert.equal(byKind('248736120455', 'ship-at-risk').zh, '即将超时 · 剩 3 小时（06-20 15:00 前发货）');
  assert.equal(byKind('248736120459', 'ship-overdue').zh, '已超时 7 天 22 小时未发货（截止 06-12 14:00）');
});

test('each flag sits on the badge of its group, never twice', () => {
  const r = results['248736120451'];
  assert.deepEqual(r.flags.map((f) => [f.code, f.group]), [['LATE_SHIPMENT', 'ship'], ['SUBSIDY_FORFEITED', 'money']]);
  // ship → the ship badge's explanation; money → the loss badge, which takes the flag's words.
  assert.deepEqual(kinds('248736120451'), ['ship-late', 'loss']);
  assert.match(tipText(byKind('248736120451', 'ship-late')), /超时发货 1 小时：/);
  assert.equal(byKind('248736120451', 'loss').zh, `${V.flags.SUBSIDY_FORFEITED.zh} ¥12.00`);
  // promise → the "JD shows another time" badge.
  const differs = byKind('248736120460', 'ship-shown-differs');
  assert.equal(differs.zh, '京东显示截止 06-18 21:00 ≠ 规则 06-20 21:00');
  assert.match(tipText(differs), /京东显示的承诺发货时间/);
  // deadline → the deadline badge of the same rule (the return window's reason on "return by").
  const closed = byKind('248736120471', 'deadline-return-by');
  assert.equal(closed.zh, `${V.deadlines.return_by.zh} 06-12 23:59${V.ui.passed.zh}`);
  assert.ok(!kinds('248736120471').includes('flag-return-window-closed'));
  // own → a badge of its own, named by the flag.
  assert.equal(byKind('248736120468', 'flag-price-raise-then-cut').zh, V.flags.PRICE_RAISE_THEN_CUT.zh);
});

test('a flag whose badge is not shown gets a badge of its own', () => {
  const r = results['990000000003'];
  const subsidy = r.flags.find((f) => f.code === 'SUBSIDY_FORFEITED');
  assert.ok(subsidy && subsidy.group === 'money' && r.losses.items.length === 0);
  assert.deepEqual(kinds('990000000003'), ['ship-overdue', 'flag-subsidy-forfeited']);
  assert.equal(byKind('990000000003', 'flag-subsidy-forfeited').tone, V.severities[subsidy.severity].tone);
});

test('tooltips label facts and code values in words, in the language asked for', () => {
  const owed = byKind('248736120463', 'compensation-if-claimed', 'zh');
  const facts = Object.fromEntries(owed.sections[0].facts.map((f) => [f.label, f.value]));
  assert.equal(facts[V.facts.competitor_paid_amount.zh], '109.00');
  assert.equal(facts[V.facts.competitor_platform.zh], '天猫');
  assert.equal(facts[V.facts.payer.zh], '商家');
  assert.equal(facts[V.facts.payee.zh], '消费者');
  assert.equal(facts[V.facts.claim_by.zh], '2023-03-08 23:59:59');
  const en = byKind('248736120463', 'compensation-if-claimed', 'en');
  const enFacts = Object.fromEntries(en.sections[0].facts.map((f) => [f.label, f.value]));
  assert.equal(enFacts['paid on the other platform'], '109.00');
  assert.equal(enFacts.payer, 'merchant');
  assert.match(en.sections[0].heading, /^Rule PRICE-MATCH · price match$/);
  // 中文 only: no fact key and no English word in any label or value of any sample order.
  for (const id of Object.keys(results).filter((k) => /^\d+$/.test(k))) {
    for (const spec of specs(id, 'zh')) {
      for (const s of spec.sections) {
        for (const f of s.facts) {
          assert.doesNotMatch(f.label, /[a-z_]{3,}/, `${id} ${spec.kind}: label ${f.label}`);
          assert.doesNotMatch(f.value, /^(merchant|consumer|platform|picked_up_at|tmall|jd|jingxi)$/, `${id}: ${f.value}`);
        }
        if (s.heading) assert.doesNotMatch(s.heading.replace(/^规则 [A-Z0-9-]+/, ''), /[A-Za-z]/, s.heading);
      }
    }
  }
});

test('partial results: the badges that could be worked out, plus one problem mark naming the field', () => {
  const id = '990000000001';
  assert.equal(results[id].errors[0].field, 'quantity');
  assert.deepEqual(kinds(id), ['ship-pending', 'data-problem']);
  const mark = byKind(id, 'data-problem', 'zh');
  assert.equal(mark.zh, V.ui.data_problem.zh);
  assert.equal(mark.en, 'Some data unreadable');
  assert.equal(mark.tone, 'muted');
  assert.equal(mark.sections[0].heading, V.fields.quantity.zh);
  assert.deepEqual(mark.sections[0].reasons, [results[id].errors[0].message]);
  // Nothing could be worked out: one "data error" badge listing each field.
  assert.deepEqual(kinds('248736120476'), ['data-error']);
  assert.deepEqual(byKind('248736120476', 'data-error', 'en').sections.map((s) => s.heading), ['placed at', 'paid at']);
});

test('an unknown status word gives a "cannot tell" badge quoting the word, never a guess', () => {
  assert.deepEqual(kinds('990000000002'), ['ship-cannot-tell']);
  const spec = byKind('990000000002', 'ship-cannot-tell', 'zh');
  assert.equal(spec.zh, V.ui.cannot_tell_ship.zh);
  assert.match(spec.sections[0].reasons[0], /怪状态/);
});

test('switched-off families are not worked out by the API, so nothing of them shows', () => {
  const r = results.shippingOnly.find((x) => x.order_id === '248736120451');
  assert.equal(r.ship, null);
  const shown = S.badgeSpecs(r, { vocab: V, lang: 'zh', asOf: AS_OF }).map((s) => s.kind);
  assert.ok(shown.every((k) => !k.startsWith('ship-') && k !== 'loss'), String(shown));
});

test('page totals add fen exactly and count partial results as well as whole ones', () => {
  const entries = Object.keys(results)
    .filter((k) => /^\d+$/.test(k))
    .map((k) => ({ state: 'result', result: results[k] }))
    .concat([{ state: 'unreadable' }, { state: 'pending' }]);
  const s = S.summarize(entries, M);
  const all = Object.values(results).filter((r) => r.order_id);
  const count = (status) => all.filter((r) => r.ship && r.ship.status === status).length;
  assert.equal(s.overdue, count('overdue'));
  assert.equal(s.late, count('overdue') + count('shipped_late'));
  assert.equal(s.at_risk, count('at_risk'));
  assert.equal(s.owed, all.reduce((n, r) => n + M.toFen(r.compensation.total), 0));
  assert.equal(M.fenToYuan(s.owed), '8.20');
  assert.equal(s.errors, all.filter((r) => r.errors.length).length);
  assert.equal(s.unreadable, 1);
  assert.equal(s.pending, 1);
  const chips = S.summaryChips(s, { vocab: V, money: M });
  assert.deepEqual(chips.slice(0, 4).map((c) => c.zh), [
    `本页 ${entries.length} 单`, `超时 ${s.late}`, `即将超时 ${s.at_risk}`, '应付赔偿 ¥8.20']);
  assert.equal(chips.find((c) => c.kind === 'unreadable').en, `Unreadable ${s.errors + 1}`);
});

test('a page the reader could not read, and an order waiting or not checked', () => {
  const spec = S.unreadableSpec(['order_id', 'paid_at'], { vocab: V, lang: 'zh' });
  assert.equal(spec.zh, V.ui.cannot_read.zh);
  assert.equal(spec.sections[0].reasons[0], V.fill(V.ui.unreadable_reason.zh, { fields: `${V.fields.order_id.zh}、${V.fields.paid_at.zh}` }));
  const down = S.statusSpec('unavailable', { vocab: V, lang: 'en', notice: { message: '无法连接', message_en: 'Cannot reach' } });
  assert.deepEqual([down.kind, down.en, down.sections[0].reasons], ['unavailable', 'Not checked', ['Cannot reach']]);
  assert.deepEqual(S.statusSpec('pending', { vocab: V }).sections, []);
});

test('totals not measured (every order unchecked) read "—" in the error tone, never 0', () => {
  const down = S.summarize([{ state: 'unavailable' }, { state: 'unavailable' }, { state: 'unreadable' }], M);
  assert.equal(down.measured, false);
  const chips = S.summaryChips(down, { vocab: V, money: M });
  assert.deepEqual(chips.map((c) => [c.kind, c.tone, c.zh]), [
    ['orders', 'plain', '本页 3 单'], ['late', 'error', '超时 —'], ['at-risk', 'error', '即将超时 —'],
    ['owed', 'error', '应付赔偿 —'], ['not-checked', 'error', '未检查 2 单'], ['unreadable', 'muted', '无法读取 1']]);
  assert.ok(chips.every((c) => !/\b0\b|¥0\.00/.test(c.zh + c.en)));
  // Some checked, some not: the totals are measured over what was checked, and the rest is counted.
  const partial = S.summarize([{ state: 'unavailable' }, { state: 'result', result: { ship: { status: 'overdue' } } }], M);
  assert.equal(partial.measured, true);
  const kinds = S.summaryChips(partial, { vocab: V, money: M }).map((c) => `${c.kind} ${c.zh}`);
  assert.deepEqual(kinds.slice(1, 2).concat(kinds.slice(-1)), ['late 超时 1', 'not-checked 未检查 1 单']);
});
