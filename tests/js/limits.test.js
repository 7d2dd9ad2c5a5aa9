'use strict';
// Apps Script's own limits, under a fake clock (no real waits), against the real API: a large
// sheet annotated in calls of whole orders within the row and payload limits, a menu run that
// stops before the 6-minute limit and goes on where it stopped, a custom function that stops
// before its 30 s; and the API address rule (https, http only for loopback).

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { loadProject, plain, makeClock } = require('./harness/gas');
const { Spreadsheet } = require('./harness/sheet-model');
const { useApi } = require('./harness/api-server');

const api = useApi();

const HEADER = ['订单号', '商品名称', '订购数量', '付款确认时间', '订单状态', '应付金额', '平台', '揽收时间'];
const START = Date.parse('2022-06-25T12:00:00+08:00');

/** 120 lines of 60 orders of two adjacent lines: a call of an odd number of rows would cut one. */
function bigSheet() {
  const rows = [HEADER];
  for (let i = 0; i < 120; i++) {
    const order = Math.floor(i / 2);
    const late = order % 3 === 0;
    rows.push([
      String(910000000000 + order),
      `商品 ${i} 保温杯`,
      1,
      '2022-06-16 10:00:00',
      '等待确认收货',
      '20.00',
      '京喜',
      late ? '2022-06-21 10:00:00' : '2022-06-17 10:00:00',
    ]);
  }
  return rows;
}

/** A project on one big sheet whose every API call takes `callMs` of fake time. */
function setup({ callMs = 1000, maxRows = 25, maxBytes } = {}) {
  const spreadsheet = new Spreadsheet();
  const sheet = spreadsheet.addSheet('Orders', bigSheet());
  const clock = makeClock(START);
  const calls = [];
  const gas = loadProject({
    spreadsheet,
    clock,
    documentProperties: { JDPG_API_URL: api.url, JDPG_API_KEY: api.apiKey },
    onFetch: (entry) => {
      entry.startedAt = clock.now();
      clock.advance(callMs);
      entry.endedAt = clock.now();
      calls.push(entry);
    },
  });
  gas.ctx.MAX_ROWS_PER_CALL = maxRows;
  if (maxBytes) gas.ctx.MAX_PAYLOAD_BYTES = maxBytes;
  return { gas, sheet, clock, calls };
}

const colOf = (sheet, part) => sheet.header().findIndex((t) => t.startsWith('JDPG ') && t.includes(part)) + 1;
const bodies = (calls) => calls.map((c) => JSON.parse(c.body));
const statusColumn = (sheet) => sheet.snapshot().map((row) => row[colOf(sheet, 'Ship status') - 1]);
const errorsColumn = (sheet) => sheet.snapshot().slice(1).map((row) => row[colOf(sheet, 'Errors') - 1]);

function expectedStatuses() {
  return [
    'JDPG 发货状态 Ship status',
    ...bigSheet()
      .slice(1)
      .map((row) => (row[7] === '2022-06-21 10:00:00' ? '超时发货 shipped_late' : '按时发货 shipped_on_time')),
  ];
}

describe('calls within the row and payload limits', () => {
  test('a large sheet goes in calls of at most the row limit, no order cut between two', () => {
    const { gas, sheet, calls } = setup({ maxRows: 25 });
    gas.ctx.annotateActiveSheet();
    const sent = bodies(calls);
    assert.equal(sent[0].rows.length, 0, 'a header probe first');
    const sizes = sent.slice(1).map((b) => b.rows.length);
    assert.ok(sizes.every((n) => n <= 25), `calls of ${sizes}`);
    // Each call after the first starts with the last order of the one before, sent again whole.
    for (let k = 2; k < sent.length; k++) {
      const previous = sent[k - 1].rows;
      const cut = previous.length - (previous[previous.length - 1][0] === previous[previous.length - 2][0] ? 2 : 1);
      assert.deepEqual(sent[k].rows[0], previous[cut], `call ${k} starts at the last order of call ${k - 1}`);
      const first = bigSheet().findIndex((row) => row[1] === sent[k].rows[0][1]) - 1;
      const above = [...new Set(bigSheet().slice(1, 1 + first).map((row) => row[0]))];
      assert.deepEqual(sent[k].earlier_order_ids, above, `call ${k} names the order ids of the rows above it`);
    }
    assert.deepEqual(errorsColumn(sheet), Array(120).fill(''), 'no order annotated in two pieces');
    assert.deepEqual(statusColumn(sheet), expectedStatuses());
    // The calls' coverage added up: 60 orders, none counted twice although calls were cut.
    assert.match(gas.ui.alerts[0].prompt, /售后：60 单中 \d+ 单无法判断/);
    assert.doesNotMatch(gas.ui.alerts[0].prompt, /发货：/, 'every order was judged for shipping');
    assert.equal(gas.props.getProperty('JDPG_RESUME'), null);
  });

  test('a call never weighs more than the payload limit', () => {
    const limit = 4000;
    const { gas, sheet, calls } = setup({ maxRows: 5000, maxBytes: limit });
    gas.ctx.annotateActiveSheet();
    const weights = calls.map((c) => Buffer.byteLength(c.body, 'utf8'));
    assert.ok(weights.length > 3, `split by size into ${weights.length} calls`);
    assert.ok(weights.every((w) => w <= limit), `bodies of ${weights} bytes`);
    assert.deepEqual(statusColumn(sheet), expectedStatuses());
  });

  test('up to the row limit a sheet takes one call, no probe', () => {
    const { gas, calls } = setup({ maxRows: 5000 });
    gas.ctx.annotateActiveSheet();
    assert.equal(calls.length, 1);
    assert.equal(JSON.parse(calls[0].body).rows.length, 120);
  });
});

describe('the 6-minute limit of a menu run', () => {
  test('a run stops before the limit with what it did written, and the next run goes on from there', () => {
    // 100 s a call: after the probe and two calls a third could end past 6 min minus the reserve.
    const { gas, sheet, clock, calls } = setup({ callMs: 100 * 1000, maxRows: 20 });
    const runStart = clock.now();
    gas.ctx.annotateActiveSheet();
    assert.equal(calls.length, 3, 'probe + 2 calls, then stop');
    for (const c of calls) assert.ok(c.endedAt - runStart <= 6 * 60 * 1000 - 60 * 1000, 'each call ends within the limit minus the reserve');
    assert.equal(gas.ui.alerts.length, 1);
    const [{ prompt }] = gas.ui.alerts;
    // Two calls of 20 rows, each keeping its last order back for the next call: 36 rows done.
    assert.match(prompt, /已标注 36 行.*6 分钟.*第 38 行继续.*Annotated 36 rows.*6-minute limit.*from row 38/);
    const status = statusColumn(sheet);
    for (let i = 0; i < 120; i++) {
      // Data line i is on status[i + 1]; the first 18 orders (both of their lines) are done.
      if (i < 36) assert.notEqual(status[i + 1], '', `line ${i} of a done order written`);
      else assert.equal(status[i + 1], '', `line ${i} not reached stays empty`);
    }
    const asOf = bodies(calls)[1].as_of;

    let runs = 1;
    while (gas.props.getProperty('JDPG_RESUME') !== null) {
      assert.ok(runs < 10, 'it finishes');
      clock.advance(60 * 1000);
      const before = calls.length;
      gas.ctx.annotateActiveSheet();
      runs++;
      for (const body of bodies(calls.slice(before))) assert.equal(body.as_of, asOf, 'resumed runs keep the first run\'s as_of');
    }
    assert.ok(runs >= 3, `${runs} runs`);
    assert.deepEqual(statusColumn(sheet), expectedStatuses());
    assert.deepEqual(errorsColumn(sheet), Array(120).fill(''), 'no order annotated in two pieces, resumed or not');
    const sent = bodies(calls).filter((b) => b.rows.length);
    const resent = sent.reduce((n, b) => n + b.rows.length, 0) - 120;
    assert.ok(resent <= 2 * (sent.length - 1), `only the last order of a call is sent again (${resent} lines)`);
  });

  test('a changed sheet is annotated afresh, not resumed', () => {
    const { gas, sheet, calls } = setup({ callMs: 100 * 1000, maxRows: 20 });
    gas.ctx.annotateActiveSheet();
    assert.notEqual(gas.props.getProperty('JDPG_RESUME'), null);
    sheet.getRange(122, 1, 1, 8).setValues([['910000000099', '新', 1, '2022-06-16 10:00:00', '等待确认收货', '20.00', '京喜', '2022-06-17 10:00:00']]);
    const before = calls.length;
    gas.ctx.annotateActiveSheet();
    assert.equal(JSON.parse(calls[before + 1].body).rows[0][0], '910000000000', 'from the first order again');
  });
});

describe('the 30 s limit of a custom function', () => {
  test('JD_ANNOTATE stops before 30 s with a message pointing to the menu, and caches nothing', () => {
    const { gas, sheet } = setup({ callMs: 12 * 1000, maxRows: 20 });
    const grid = sheet.getRange(1, 1, 121, 8).getValues();
    assert.throws(() => gas.ctx.JD_ANNOTATE(grid), /30 秒上限.*标注本表.*30 s custom-function limit/);
    const fast = setup({ callMs: 10, maxRows: 20 });
    fast.gas.cache.store = gas.cache.store;
    const out = plain(fast.gas.ctx.JD_ANNOTATE(grid));
    assert.equal(out.length, 121);
  });
});

describe('per-order formulas past the row limit', () => {
  test('a range bigger than one call takes calls of at most the limit, answered in order', () => {
    const { gas, calls } = setup({ maxRows: 2 });
    const paid = ['2022-06-16 10:00:00', '2022-06-02 23:30:00', '', 'later', '2022-06-18 23:59:59', '2022-06-16 10:00:00'];
    const out = plain(gas.ctx.JD_SHIP_BY(paid.map((p) => [p]), 'jingxi'));
    const posts = calls.filter((c) => c.method === 'POST').map((c) => JSON.parse(c.body).orders.length);
    assert.deepEqual(posts, [2, 2, 1], 'five cells (one blank) in calls of two');
    assert.deepEqual(out.map((r) => r[0].slice(0, 19)), [
      '2022-06-20 10:00:00',
      '2022-06-04 23:30:00',
      '',
      '错误 error: paid_at: ',
      '2022-06-22 23:59:59',
      '2022-06-20 10:00:00',
    ]);
  });

  test('calls that cannot finish within 30 s stop with a message', () => {
    const { gas } = setup({ maxRows: 1, callMs: 10 * 1000 });
    assert.throws(() => gas.ctx.JD_RETURN_BY([['2022-06-16 10:00:00'], ['2022-06-17 10:00:00'], ['2022-06-18 10:00:00']]), /30 秒上限.*30 s custom-function limit/);
  });
});

describe('API address: https, http only for loopback', () => {
  test('https and loopback http are accepted', () => {
    const gas = loadProject();
    for (const url of ['https://guard.example.com', 'http://127.0.0.1:8080', 'http://localhost:5000/', 'http://[::1]:9000', 'HTTP://LOCALHOST']) {
      assert.doesNotThrow(() => gas.ctx.saveSettings({ apiUrl: url, apiKey: '' }), url);
    }
    assert.equal(gas.props.getProperty('JDPG_API_URL'), 'HTTP://LOCALHOST');
  });

  test('http to any other host is refused, saying why and that Apps Script cannot reach loopback', () => {
    const gas = loadProject();
    gas.ctx.saveSettings({ apiUrl: 'https://guard.example.com', apiKey: 'k' });
    for (const url of [
      'http://guard.example.com',
      'http://127.0.0.1.evil.example',
      'http://localhost@evil.example',
      'http://10.0.0.5',
      'ftp://guard.example.com',
      'javascript:alert(1)',
      'https://',
    ]) {
      assert.throws(() => gas.ctx.saveSettings({ apiUrl: url, apiKey: '' }), /https:\/\/.*Google.*cannot reach a loopback address/, url);
    }
    assert.equal(gas.props.getProperty('JDPG_API_URL'), 'https://guard.example.com', 'nothing saved');
  });

  test('a plain-http address stored by other means is refused before any call', () => {
    const gas = loadProject({ documentProperties: { JDPG_API_URL: 'http://guard.example.com', JDPG_API_KEY: 'k' } });
    assert.throws(() => gas.ctx.JD_SHIP_BY('2022-06-16 10:00:00'), /https:\/\//);
    assert.equal(gas.fetchLog.length, 0);
  });
});
