'use strict';
// The extension asks for lean results (no sentences) and renders their words itself: every badge
// and every explanation it builds from a lean result is the same as from the full result of the
// same order, worked out by the real API for the demo's sample orders and a few partial ones.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { load } = require('./harness/extension');
const { useApi, REPO } = require('./harness/api-server');

const { JdpgSpecs: S, JDPG_VOCAB: V } = load('common/messages.js', 'common/money.js', 'content/badge-specs.js');
const AS_OF = '2022-06-20T12:00:00+08:00';
const SAMPLE = JSON.parse(fs.readFileSync(path.join(REPO, 'server/demo/sample_orders.json'), 'utf8'));
const ORDERS = SAMPLE.orders
  .map((e) => e.order)
  .concat([
    { order_id: '990000000001', paid_at: '2022-06-19 10:00:00', order_status: '等待出库', quantity: 'abc' },
    { order_id: '990000000002', paid_at: '2022-06-19 10:00:00', order_status: '怪状态' },
    { order_id: '990000000004', paid_at: '2022-06-19 10:00:00' },
  ]);
const api = useApi();

async function annotate(detail) {
  const response = await fetch(`${api.url}/api/v1/orders/annotate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': api.apiKey },
    body: JSON.stringify({ as_of: AS_OF, orders: ORDERS, options: { detail } }),
  });
  assert.equal(response.status, 200);
  return (await response.json()).results;
}

test('badges from lean results say exactly what badges from full results say, in every language', async () => {
  const [full, lean] = [await annotate('full'), await annotate('lean')];
  assert.ok(lean.some((r) => r.flags.some((f) => f.words && f.message === undefined)), 'lean results carry words only');
  for (const lang of ['zh', 'en', 'zh-en']) {
    for (let i = 0; i < full.length; i++) {
      const want = S.badgeSpecs(full[i], { vocab: V, lang, asOf: AS_OF });
      const got = S.badgeSpecs(lean[i], { vocab: V, lang, asOf: AS_OF });
      assert.deepEqual(JSON.parse(JSON.stringify(got)), JSON.parse(JSON.stringify(want)), `${full[i].order_id} (${lang})`);
    }
  }
});

test('the page summary counts what could not be judged as the API does, in the same words', async () => {
  const response = await fetch(`${api.url}/api/v1/orders/annotate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': api.apiKey },
    body: JSON.stringify({ as_of: AS_OF, orders: ORDERS, options: { detail: 'lean' } }),
  });
  const { results, summary } = await response.json();
  const s = S.summarize(results.map((result) => ({ state: 'result', result })), { toFen: () => 0 });
  const expected = Object.fromEntries(Object.entries(summary.coverage)
    .filter(([, c]) => c.not_judged > 0)
    .map(([family, c]) => [family, { orders: c.not_judged,
      reasons: c.reasons.map((r) => ({ code: r.code, field: r.field, orders: r.orders, zh: r.message, en: r.message_en })) }]));
  assert.ok(Object.keys(expected).length > 0, 'the sample has orders some family could not judge');
  assert.deepEqual(s.not_judged, expected);
  assert.equal(s.ship_measured, true);
  const chips = S.summaryChips(s, { vocab: V, money: { fenToYuan: () => '0.00' } }).filter((c) => c.kind === 'not-judged');
  assert.deepEqual(chips.map((c) => c.family), Object.keys(expected));
  assert.ok(chips.every((c) => c.tone === 'error' && c.reasons.length));
  // Nothing judged for shipping at all: its counts read "—", never 0.
  const none = S.summarize([{ state: 'result', result: results.find((r) => r.order_id === '990000000002') }], { toFen: () => 0 });
  assert.equal(none.ship_measured, false);
  const late = S.summaryChips(none, { vocab: V, money: { fenToYuan: () => '0.00' } }).find((c) => c.kind === 'late');
  assert.deepEqual([late.tone, late.zh], ['error', '超时 —']);
});
