'use strict';
// The triage list and its alerts (common/triage.js): what an order seen on a page adds, what
// leaves, the cap, the 7 days, the state at a moment, one alert per order per state, quiet hours.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./harness/extension');

const { JdpgTriage: T, JdpgMoney: M, JDPG_VOCAB: V } = load('common/money.js', 'common/triage.js');
const H = 3600 * 1000;
const at = (text) => Date.parse(text);
const SEEN = at('2022-06-20T12:00:00+08:00');
const PAGE = 'https://shop.jd.com/jdm/trade/orders/order-list?tabType=allOrders';
const ctx = (over) => ({ seenAt: SEEN, pageUrl: PAGE, atRiskHours: 6, vocab: V, toFen: M.toFen, ...over });
const result = (id, ship, total = '0.00') => ({
  order_id: id,
  ship,
  compensation: { total, if_claimed_total: '0.00', items: [] },
});
const pending = (deadline) => ({ status: 'pending', deadline });

test('an order still to ship is kept with its deadline, at-risk time, owed money and its page', () => {
  const change = T.fromResult({ order_status: '等待出库' }, result('235711131721', pending('2022-06-21T09:00:00+08:00'), '40.00'), ctx());
  assert.deepEqual(change.entry, {
    id: '235711131721',
    seenAt: SEEN,
    deadline: at('2022-06-21T09:00:00+08:00'),
    atRiskAt: at('2022-06-21T03:00:00+08:00'),
    owedFen: 4000,
    url: 'https://shop.jd.com/jdm/trade/orders/order-details?orderId=235711131721',
    alerted: {},
  });
  const tried = T.fromResult({}, result('235711131721', pending('2022-06-21T09:00:00+08:00')), ctx({ pageUrl: 'http://127.0.0.1:8000/demo/try/order-list' }));
  assert.equal(tried.entry.url, 'http://127.0.0.1:8000/demo/try/order-list?orderId=235711131721');
});

test('orders seen shipped, completed, cancelled or deleted leave the list; unknown words stay', () => {
  for (const word of ['等待确认收货', '已完成', '已取消', '(删除)等待出库', 'TRADE_CANCELED']) {
    assert.deepEqual(T.fromResult({ order_status: word }, result('235711131721', null), ctx()), { remove: '235711131721' }, word);
  }
  const shipped = result('235711131721', { status: 'shipped_late', deadline: '2022-06-19T10:00:00+08:00' });
  assert.deepEqual(T.fromResult({ order_status: '等待出库' }, shipped, ctx()), { remove: '235711131721' });
  const unknown = T.fromResult({ order_status: '怪状态' }, result('235711131721', null), ctx());
  assert.equal(unknown.entry.deadline, null);
  assert.equal(T.fromResult({}, result('abc', null), ctx()), null);

  let list = T.merge({}, [T.fromResult({}, result('235711131721', pending('2022-06-21T09:00:00+08:00')), ctx())], SEEN);
  assert.deepEqual(Object.keys(list), ['235711131721']);
  list = T.merge(list, [T.fromResult({ order_status: '已取消' }, result('235711131721', null), ctx())], SEEN);
  assert.deepEqual(list, {});
});

test('capped, the orders seen longest ago dropped first; forgotten 7 days after last seen', () => {
  const changes = [];
  for (let i = 0; i < 5; i++) {
    changes.push(T.fromResult({}, result(`23571113170${i}`, pending('2022-06-21T09:00:00+08:00')), ctx({ seenAt: SEEN + i * H })));
  }
  const list = T.merge({}, changes, SEEN + 5 * H, 3);
  assert.deepEqual(Object.keys(list).sort(), ['235711131702', '235711131703', '235711131704']);
  assert.equal(Object.keys(T.prune(list, SEEN + 2 * H + 7 * 24 * H)).length, 3);
  assert.deepEqual(Object.keys(T.prune(list, SEEN + 2 * H + 7 * 24 * H + 1)).sort(), ['235711131703', '235711131704']);
  assert.equal(T.CAP, 2000);
});

test('state at a moment, sorting by time left and the filters', () => {
  const mk = (id, deadline, owed) => T.fromResult({}, result(id, deadline && pending(deadline), owed), ctx());
  const list = T.merge({}, [
    mk('235711131701', '2022-06-21T09:00:00+08:00'),
    mk('235711131702', '2022-06-20T10:00:00+08:00'),
    mk('235711131703', null, '5.00'),
    mk('235711131704', '2022-06-20T15:00:00+08:00'),
  ], SEEN);
  assert.deepEqual(T.sorted(list).map((e) => e.id), ['235711131702', '235711131704', '235711131701', '235711131703']);
  const state = (id) => T.stateAt(list[id], SEEN);
  assert.deepEqual(['235711131702', '235711131704', '235711131701', '235711131703'].map(state), ['overdue', 'at_risk', 'pending', 'none']);
  const ids = (f) => T.sorted(list).filter((e) => T.matches(e, f, SEEN)).map((e) => e.id);
  assert.deepEqual(ids('overdue'), ['235711131702']);
  assert.deepEqual(ids('at_risk'), ['235711131704']);
  assert.deepEqual(ids('to_ship'), ['235711131702', '235711131704', '235711131701']);
  assert.deepEqual(ids('owed'), ['235711131703']);
  assert.equal(T.urgentCount(list, SEEN), 2);
  assert.deepEqual(T.countdown(list['235711131701'], SEEN, V), { zh: '剩 21 小时', en: '21 h left' });
  assert.deepEqual(T.countdown(list['235711131702'], SEEN + 90 * 60000, V), { zh: '已超时 3.5 小时', en: '3.5 h overdue' });
  assert.deepEqual(T.countdown(list['235711131703'], SEEN, V), V.ui.triage_no_deadline);
});

test('one alert per order per state, only for a crossing after the order was seen', () => {
  const mk = (id, deadline) => T.fromResult({}, result(id, pending(deadline)), ctx());
  let list = T.merge({}, [mk('235711131701', '2022-06-21T09:00:00+08:00'), mk('235711131702', '2022-06-20T10:00:00+08:00')], SEEN);
  // …702 was overdue when seen: the merchant had it in front of them.
  assert.deepEqual(T.dueAlerts(list, SEEN), []);
  const atRisk = at('2022-06-21T03:30:00+08:00');
  const due = T.dueAlerts(list, atRisk);
  assert.deepEqual(due, [{ id: '235711131701', state: 'at_risk' }]);
  list = T.markAlerted(list, due, atRisk);
  assert.deepEqual(T.dueAlerts(list, atRisk + H), []);
  // Seen again with the same deadline: the alert already shown stays shown.
  list = T.merge(list, [T.fromResult({}, result('235711131701', pending('2022-06-21T09:00:00+08:00')), ctx({ seenAt: atRisk }))], atRisk);
  assert.deepEqual(T.dueAlerts(list, atRisk + H), []);
  assert.deepEqual(T.dueAlerts(list, at('2022-06-21T09:00:00+08:00')), [{ id: '235711131701', state: 'overdue' }]);
  // An order found overdue before any at-risk alert gets the overdue one, and no at-risk after.
  let other = T.merge({}, [mk('235711131703', '2022-06-21T09:00:00+08:00')], SEEN);
  const late = at('2022-06-21T10:00:00+08:00');
  assert.deepEqual(T.dueAlerts(other, late), [{ id: '235711131703', state: 'overdue' }]);
  other = T.markAlerted(other, T.dueAlerts(other, late), late);
  assert.deepEqual(other['235711131703'].alerted, { at_risk: late, overdue: late });
});

test('quiet hours on Beijing time, across midnight too', () => {
  const bj = (hhmm) => at(`2022-06-20T${hhmm}:00+08:00`);
  assert.equal(T.inQuietHours(bj('23:30'), '22:00', '08:00'), true);
  assert.equal(T.inQuietHours(bj('07:59'), '22:00', '08:00'), true);
  assert.equal(T.inQuietHours(bj('08:00'), '22:00', '08:00'), false);
  assert.equal(T.inQuietHours(bj('12:30'), '12:00', '13:00'), true);
  assert.equal(T.inQuietHours(bj('13:00'), '12:00', '13:00'), false);
  assert.equal(T.inQuietHours(bj('12:30'), '', '13:00'), false);
});
