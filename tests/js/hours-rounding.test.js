'use strict';
// Hours on a badge and in a formula never contradict the status (issue 12 item 7): hours late are
// rounded up and hours left down, so an at-risk order never reads "6 h left" under a 6 h
// threshold, and one second late never reads "late by 0 min" (common/duration.js).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./harness/extension');
const { loadProject } = require('./harness/gas');

const { JdpgSpecs: S, JDPG_VOCAB: V } = load('common/money.js', 'content/badge-specs.js');
const ship = (status, extra) =>
  Object.assign({ deadline: '2022-06-20T10:00:00+08:00', status, rule: 'SHIP-DEADLINE' }, extra);
const shipBadge = (s) =>
  S.badgeSpecs({ order_id: '1', errors: [], ship: s, flags: [], deadlines: {}, compensation: { items: [] },
                 losses: { items: [] }, skipped: [] }, { vocab: V, lang: 'zh' })[0].zh;

test('a badge rounds hours left down and hours late up', () => {
  assert.match(shipBadge(ship('at_risk', { hours_left: 5.99 })), /剩 5\.9 小时/);
  assert.match(shipBadge(ship('overdue', { late_by_hours: 0.01 })), /已超时 1 分钟/);
  assert.match(shipBadge(ship('pending', { hours_left: 12 })), /剩 12 小时$/);
});

test('the Apps Script formula rounds the same way', () => {
  const gas = loadProject();
  assert.equal(gas.ctx.durationText_('time_left', 5.99, false), '剩 5.9 小时 / 5.9 h left');
  assert.equal(gas.ctx.durationText_('late_by', 0.01, true), '晚 1 分钟 / 1 min late');
  assert.equal(gas.ctx.durationText_('late_by', 3, true), '晚 3 小时 / 3 h late');
});

test('the Apps Script formula says every duration as Python and the extension do', () => {
  const gas = loadProject();
  const { cases } = require('./fixtures/durations.json');
  assert.ok(cases.length > 10);
  for (const c of cases) {
    const words = gas.ctx.durationWords_(c.seconds, c.up);
    assert.deepEqual({ zh: words.zh, en: words.en }, { zh: c.zh, en: c.en }, `${c.seconds} s, up=${c.up}`);
  }
});
