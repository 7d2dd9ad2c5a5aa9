'use strict';
// The extension's reading helpers on text alone (no DOM): times, amounts, ids and status words.
// The generated vocabulary module is loaded first, as the manifest loads it.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const EXT = path.resolve(__dirname, '..', '..', 'extension');
require(path.join(EXT, 'common', 'vocabulary.js'));
require(path.join(EXT, 'content', 'read-helpers.js'));
const R = globalThis.JdpgRead;

test('the card header time text gives each time its event, as JD writes it', () => {
  assert.deepEqual(R.eventTimes('2026-08-06 01:22:42 下单，2026-08-06 01:25:04 付款'), {
    placed_at: '2026-08-06 01:22:42',
    paid_at: '2026-08-06 01:25:04',
  });
  // A word followed by 时间 labels the next time, it is not the event of the one before.
  assert.deepEqual(R.eventTimes('2026-08-06 01:22:42 下单时间 2026-08-06 01:25:04 付款'), {
    paid_at: '2026-08-06 01:25:04',
  });
  assert.deepEqual(R.eventTimes('—'), {});
});

test('a promise text is read only when it holds a full date and time', () => {
  assert.equal(R.firstTime('2022-06-20 10:00:00'), '2022-06-20 10:00:00');
  assert.equal(R.firstTime('承诺 2022/6/20 10:00 前发货'), '2022-06-20 10:00:00');
  assert.equal(R.firstTime('2022年6月20日 10:00'), '2022-06-20 10:00:00');
  // No year, or no date: the year or the day would be a guess.
  assert.equal(R.firstTime('06-20 10:00'), null);
  assert.equal(R.firstTime('当日24:00前发货'), null);
  assert.equal(R.firstTime('请尽快发货'), null);
  // What a label shows when it is not a time, so it can be reported as such.
  assert.equal(R.labeledValue('承诺发货时间：当日24点前 付款时间：…', R.PROMISE_LABELS), '当日24点前');
  assert.equal(R.labeledValue('付款时间：2022-06-16 09:00:00', R.PROMISE_LABELS), null);
});

test('placeholders are "nothing shown", not "unreadable"', () => {
  for (const text of ['', '--', '—', ' - ', '/']) assert.equal(R.isPlaceholder(text), true, text);
  for (const text of ['当日24:00前发货', '0', 'x']) assert.equal(R.isPlaceholder(text), false, text);
});

test('labelled times, amounts and ids', () => {
  const text = '订单号：235711132001 下单时间：2022-06-16 08:59:20 付款时间：2022-06-16 09:00:00 应付金额：¥1,059.00';
  assert.deepEqual(R.fillLabeledTimes({}, text), {
    placed_at: '2022-06-16 08:59:20',
    paid_at: '2022-06-16 09:00:00',
  });
  assert.equal(R.labeledMoney(text, R.AMOUNT_LABELS), '1059.00');
  assert.equal(R.labeledOrderId(text), '235711132001');
  assert.equal(R.labeledOrderId('服务单号：1728001001'), null);
  // 发货时间 is not read inside 承诺发货时间.
  assert.equal(R.labeledTime('承诺发货时间：2022-06-20 10:00:00', R.TIME_LABELS.shipped_at), null);
  assert.equal(R.money('¥12.90'), '12.90');
  assert.equal(R.money('—'), null);
});

// Every status word of docs/supported-inputs.md and what it means for the rules.
const REAL_STATUS_WORDS = {
  等待付款: 'unpaid',
  等待出库: 'to_ship',
  等待确认收货: 'shipped',
  完成: 'completed',
  已完成: 'completed',
  已取消: 'cancelled',
  锁定: 'locked',
  锁定订单: 'locked',
  暂停订单: 'paused',
  已出库: 'shipped',
  等待境外出库: 'to_ship',
  等待境内发货: 'to_ship',
  '(锁定)等待出库': 'locked',
  '(删除)等待出库': 'deleted',
  '(删除)等待确认收货': 'deleted',
  '(删除)等待付款': 'deleted',
};

test('every status word JD shows is one the vocabulary holds, prefixed forms by their prefix', () => {
  for (const [word, meaning] of Object.entries(REAL_STATUS_WORDS)) {
    assert.equal(R.statusMeaning(word), meaning, word);
  }
  assert.equal(R.statusMeaning('（锁定）等待出库'), 'locked');
  assert.equal(R.statusMeaning('售后处理中'), null);
  assert.equal(R.statusMeaning('(锁定)'), null); // a prefix alone is no status
  assert.equal(R.statusMeaning(''), null);
});

test('JD International status words make the order a JD International one', () => {
  assert.equal(R.platformOf([], 'https://shop.jd.com/x', '', '等待境外出库'), 'jd_international');
  assert.equal(R.platformOf([], 'https://shop.jd.com/x', '', '等待境内发货'), 'jd_international');
  assert.equal(R.platformOf(['京喜'], 'https://shop.jd.com/x', '', '等待出库'), 'jingxi');
  assert.equal(R.platformOf([], 'https://shop.jd.com/x', '', '等待出库'), 'jd');
  assert.equal(R.platformOf([], 'https://shop.jd.com/x', 'jingxi', '等待出库'), 'jingxi');
});

test('a reader result is unreadable only for fatal fields; notes keep it checkable', () => {
  const note = R.unreadNote('shown_ship_by', '当日24:00前发货');
  assert.match(note.message, /京东显示承诺发货时间“当日24:00前发货”/);
  assert.match(note.message_en, /"当日24:00前发货"/);
  const checked = R.finish({ order_id: '1234567' }, [], [note]);
  assert.equal(checked.ok, true);
  assert.deepEqual(checked.problems, ['shown_ship_by']);
  assert.equal(checked.orderId, '1234567');
  const unreadable = R.finish({}, ['order_id', 'paid_at'], []);
  assert.equal(unreadable.ok, false);
  assert.deepEqual(unreadable.problems, ['order_id', 'paid_at']);
  // The key follows what was read.
  assert.notEqual(R.finish({ order_id: '1234567' }, [], []).key, checked.key);
  assert.equal(R.finish({ order_id: '1234567' }, [], [note]).key, checked.key);
});
