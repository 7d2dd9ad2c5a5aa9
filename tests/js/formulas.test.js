'use strict';
// The custom formulas, run from the real Apps Script files against the real API.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { loadProject, plain } = require('./harness/gas');
const { Spreadsheet } = require('./harness/sheet-model');
const { useApi } = require('./harness/api-server');

const api = useApi();

const AS_OF = '2022-06-20 12:00:00';
const beijing = (text) => new Date(text.replace(' ', 'T') + '+08:00');

function project(opts = {}) {
  return loadProject({
    documentProperties: { JDPG_API_URL: api.url, JDPG_API_KEY: api.apiKey },
    ...opts,
  });
}

const posts = (gas) => gas.fetchLog.filter((f) => f.method === 'POST');
const postedOrders = (gas, i = 0) => JSON.parse(posts(gas)[i].body).orders;

describe('JD_SHIP_BY', () => {
  test('a column of payment times gives each order its ship-by time in one API call', () => {
    const gas = project();
    const out = gas.ctx.JD_SHIP_BY(
      [[beijing('2022-06-16 10:00:00')], ['2022-06-02 23:30:00'], [''], ['not a time'], ['2022-06-18 23:59:59']],
      'jingxi',
    );
    const cells = plain(out);
    assert.deepEqual(cells[0], ['2022-06-20 10:00:00']);
    assert.deepEqual(cells[1], ['2022-06-04 23:30:00']);
    assert.deepEqual(cells[2], ['']);
    assert.match(cells[3][0], /^错误 error: paid_at: 无法识别的时间.* \/ unreadable time/);
    assert.deepEqual(cells[4], ['2022-06-22 23:59:59']);
    assert.equal(posts(gas).length, 1, 'one POST for the whole range');
    assert.equal(postedOrders(gas).length, 4, 'the blank row is not sent');
    assert.ok(posts(gas)[0].url.endsWith('/api/v1/orders/annotate'));
  });

  test('the API key travels as X-API-Key, never in the URL', () => {
    const gas = project();
    gas.ctx.JD_SHIP_BY('2022-06-16 10:00:00', 'jingxi');
    for (const f of gas.fetchLog) {
      assert.equal(f.headers['X-API-Key'], api.apiKey);
      assert.ok(!f.url.includes(api.apiKey));
    }
  });

  test('a single cell arrives as a scalar and gives a one-cell answer', () => {
    const gas = project();
    assert.deepEqual(plain(gas.ctx.JD_SHIP_BY('2022-06-16 10:00:00', 'jingxi')), [['2022-06-20 10:00:00']]);
  });

  test('a platform column applies row by row', () => {
    const gas = project();
    const out = gas.ctx.JD_SHIP_BY(
      [['2022-06-16 10:00:00'], ['2022-06-16 10:00:00'], ['2022-06-16 10:00:00']],
      [['jingxi'], ['京喜'], ['taobao']],
    );
    const cells = plain(out);
    assert.deepEqual(cells.slice(0, 2), [['2022-06-20 10:00:00'], ['2022-06-20 10:00:00']]);
    assert.match(cells[2][0], /^错误 error: platform: /);
  });

  test('a Date is read as the wall-clock time the sheet shows, whatever the sheet time zone', () => {
    const spreadsheet = new Spreadsheet({ timeZone: 'America/Los_Angeles' });
    const gas = project({ spreadsheet });
    const shown = new Date('2022-06-16T10:00:00-07:00'); // what a cell showing 2022-06-16 10:00:00 holds there
    const out = gas.ctx.JD_SHIP_BY([[shown]], 'jingxi');
    assert.equal(postedOrders(gas)[0].paid_at, '2022-06-16 10:00:00');
    assert.deepEqual(plain(out), [['2022-06-20 10:00:00']]);
  });

  test('an all-blank range makes no API call', () => {
    const gas = project();
    assert.deepEqual(plain(gas.ctx.JD_SHIP_BY([[''], [''], ['']], 'jingxi')), [[''], [''], ['']]);
    assert.equal(gas.fetchLog.length, 0);
  });

  test('ranges of different sizes are refused with a readable message', () => {
    const gas = project();
    assert.throws(
      () => gas.ctx.JD_SHIP_BY([['2022-06-16 10:00:00'], ['2022-06-16 10:00:00'], ['2022-06-16 10:00:00']], [['jd'], ['jd']]),
      /参数 platform 的区域大小与第一个参数不一致.*does not match/,
    );
    assert.equal(gas.fetchLog.length, 0);
  });

  test('a two-column block gives a two-column answer', () => {
    const gas = project();
    const out = gas.ctx.JD_SHIP_BY(
      [
        ['2022-06-16 10:00:00', '2022-06-02 23:30:00'],
        ['', 'nope'],
      ],
      'jingxi',
    );
    const cells = plain(out);
    assert.deepEqual(cells[0], ['2022-06-20 10:00:00', '2022-06-04 23:30:00']);
    assert.equal(cells[1][0], '');
    assert.match(cells[1][1], /^错误 error: paid_at/);
    assert.equal(posts(gas).length, 1);
  });
});

describe('JD_SHIP_STATUS', () => {
  test('late, on time, at risk, overdue and pending rows, with a bad pickup time, in one call', () => {
    const gas = project();
    const paid = [
      ['2022-06-16 10:00:00'], // 96 h day: deadline 06-20 10:00
      ['2022-06-16 10:00:00'],
      [beijing('2022-06-18 17:00:00')], // deadline 06-22 17:00
      ['2022-06-19 08:00:00'], // 48 h: deadline 06-21 08:00, pending
      ['2022-06-16 10:00:00'], // not picked up: overdue
      ['2022-06-16 10:00:00'],
    ];
    const picked = [['2022-06-20 11:00:00'], [beijing('2022-06-19 09:00:00')], [''], [''], [''], ['yesterday']];
    const out = plain(gas.ctx.JD_SHIP_STATUS(paid, picked, 'jingxi', beijing('2022-06-22 12:00:00')));
    assert.equal(out[0][0], '超时发货 shipped_late（晚 1 小时 / 1 h late）');
    assert.equal(out[1][0], '按时发货 shipped_on_time');
    assert.equal(out[2][0], '即将超时 at_risk（剩 5 小时 / 5 h left）');
    assert.equal(out[3][0], '已超时未发货 overdue（晚 28 小时 / 28 h late）');
    assert.equal(out[4][0], '已超时未发货 overdue（晚 2 天 2 小时 / 2 d 2 h late）');
    assert.match(out[5][0], /^错误 error: picked_up_at: /);
    assert.equal(posts(gas).length, 1);
    assert.equal(JSON.parse(posts(gas)[0].body).as_of, '2022-06-22 12:00:00');
  });

  test('without as_of the server clock decides, and text as_of works too', () => {
    const gas = project();
    const out = plain(gas.ctx.JD_SHIP_STATUS('2022-06-16 10:00:00', '', 'jingxi', AS_OF));
    assert.equal(out[0][0], '已超时未发货 overdue（晚 2 小时 / 2 h late）');
    const live = plain(gas.ctx.JD_SHIP_STATUS('2022-06-16 10:00:00', '2022-06-17 10:00:00', 'jingxi'));
    assert.equal(live[0][0], '按时发货 shipped_on_time');
    assert.equal(JSON.parse(posts(gas)[1].body).as_of, undefined);
  });
});

describe('JD_PRICE_MATCH', () => {
  test('owed, to verify, expired, not eligible, missing data and a bad amount', () => {
    const gas = project();
    const col = (...xs) => xs.map((x) => [x]);
    const out = plain(
      gas.ctx.JD_PRICE_MATCH(
        col(129, 129, 129, 129, 129, 'abc'),
        col(109, 109, 109, 139, '', 109),
        col('天猫', 'tmall', '天猫', '拼多多百亿补贴', '天猫', '天猫'),
        col(500, 500, 500, 500, 500, 500),
        col(
          beijing('2023-06-16 20:00:00'),
          '2023-06-16 20:00:00',
          '2023-06-17 00:00:01',
          '2023-06-16 20:00:00',
          '2023-06-16 20:00:00',
          '2023-06-16 20:00:00',
        ),
        '2023-06-16 10:00:00',
        col(true, '', true, true, true, true),
        col(true, '', true, true, true, true),
        col(true, true, true, true, true, true),
        col(true, true, true, true, true, true),
      ),
    );
    assert.deepEqual(out[0], ['40.00']);
    assert.deepEqual(out[1], ['40.00 待核实 if upheld']);
    assert.deepEqual(out[2], ['0.00']);
    assert.deepEqual(out[3], ['0.00']);
    assert.match(out[4][0], /^无法判断 not evaluated: .*competitor_paid_amount/);
    assert.match(out[5][0], /^错误 error: /);
    assert.equal(posts(gas).length, 1);
    const sent = postedOrders(gas)[0];
    assert.equal(sent.price_match.jd_paid_amount, '129');
    assert.equal(sent.price_match.competitor_platform, '天猫');
    assert.equal(sent.price_match.proof, 'true');
    assert.equal(sent.price_match.on_sale, 'true');
  });

  test('without proof and the other item on sale confirmed, the amount is only to verify', () => {
    const gas = project();
    const out = plain(gas.ctx.JD_PRICE_MATCH(129, 109, 'tmall', 500, '2023-06-16 20:00:00', '2023-06-16 10:00:00', true, true));
    assert.deepEqual(out, [['40.00 待核实 if upheld']]);
  });
});

describe('JD_RED_ENVELOPE', () => {
  test("the merchant's share is half the envelope, capped at 10 yuan", () => {
    const gas = project();
    const out = plain(gas.ctx.JD_RED_ENVELOPE([[15], ['6.40'], [-3], ['']], '2022-06-16 10:00:00', 'jingxi'));
    assert.deepEqual(out.slice(0, 2), [['5.00'], ['3.20']]);
    assert.match(out[2][0], /^错误 error: paid_amount/);
    assert.deepEqual(out[3], ['']);
    assert.equal(posts(gas).length, 1);
  });

  test('without a campaign the activity end is unknown, and the cell says so', () => {
    const gas = project();
    const out = plain(gas.ctx.JD_RED_ENVELOPE(15));
    assert.match(out[0][0], /^无法判断 not evaluated: .*activity_end/);
  });
});

describe('JD_RETURN_BY', () => {
  test('7 days counted from the day after receipt, to 23:59:59 Beijing time', () => {
    const gas = project();
    const out = plain(gas.ctx.JD_RETURN_BY([[beijing('2022-06-16 10:00:00')], ['2022-06-30 23:59:59'], ['31/31/2022']]));
    assert.deepEqual(out.slice(0, 2), [['2022-06-23 23:59:59'], ['2022-07-07 23:59:59']]);
    assert.match(out[2][0], /^错误 error: received_at/);
    assert.equal(posts(gas).length, 1);
  });
});

describe('JD_ANNOTATE', () => {
  const header = ['订单号', '商品名称', '订购数量', '付款确认时间', '订单状态', '应付金额', '支付方式', '揽收时间'];
  const block = [
    header,
    ['235711131719', '保温杯', 1, beijing('2022-06-16 10:00:00'), '等待确认收货', 129, '在线支付', '2022-06-20 11:00:00'],
    ['235711131720', '茶叶 A', 1, '2022-06-19 08:00:00', '等待出库', '59.00', '在线支付', ''],
    ['235711131720', '茶叶 B', 2, '2022-06-19 08:00:00', '等待出库', '59.00', '在线支付', ''],
    ['235711131721', '坏行', 1, 'soon', '等待出库', '10', '在线支付', ''],
    ['', '', '', '', '', '', '', ''],
  ];

  test('returns the annotation header and one row per input row, lines of one order alike', () => {
    const gas = project();
    const out = plain(gas.ctx.JD_ANNOTATE(block, AS_OF, 'jingxi'));
    assert.equal(out.length, block.length);
    assert.ok(out[0].every((t) => t.startsWith('JDPG ')));
    const col = (title) => out[0].findIndex((t) => t.includes(title));
    assert.equal(out[1][col('Ship by')], '2022-06-20 10:00:00');
    assert.equal(out[1][col('Ship status')], '超时发货 shipped_late');
    assert.equal(out[1][col('Hours late')], 1);
    assert.deepEqual(out[2], out[3], 'two SKU lines of one order share its result');
    assert.match(out[4][col('Errors')], /^付款确认时间: /); // the merchant's own column
    assert.ok(out[5].every((c) => c === ''), 'a blank row stays blank');
    assert.equal(posts(gas).length, 1);
    const body = JSON.parse(posts(gas)[0].body);
    assert.ok(posts(gas)[0].url.endsWith('/api/v1/rows/annotate'));
    assert.equal(body.rows.length, 4, 'trailing blank rows are not sent');
    assert.equal(body.rows[0][3], '2022-06-16 10:00:00');
    assert.equal(body.rows[0][0], '235711131719');
    assert.deepEqual(body.defaults, { platform: 'jingxi' });
  });

  test('a header without an order-id column is refused, naming the missing column', () => {
    const gas = project();
    assert.throws(
      () => gas.ctx.JD_ANNOTATE([['商品名称', '付款确认时间'], ['杯子', '2022-06-16 10:00:00']]),
      /JD Promo Guard API 422 unmapped_header: 表头缺少必需的列.*order_id/,
    );
  });
});

describe('caching, locking and back-off', () => {
  test('the same range again is answered from the cache, with no API call', () => {
    const gas = project();
    const args = [[['2022-06-16 10:00:00'], ['2022-06-02 23:30:00']], 'jingxi'];
    const first = plain(gas.ctx.JD_SHIP_BY(...args));
    const calls = gas.fetchLog.length;
    assert.deepEqual(plain(gas.ctx.JD_SHIP_BY(...args)), first);
    assert.equal(gas.fetchLog.length, calls, 'no fetch on the second call');
    gas.ctx.JD_SHIP_BY([['2022-06-16 10:00:00'], ['2022-06-02 23:30:01']], 'jingxi');
    assert.equal(posts(gas).length, 2, 'changed input: a new call');
    assert.equal(gas.fetchLog.filter((f) => f.url.endsWith('/api/v1/rules')).length, 1, 'rules version looked up once');
  });

  test('the cache key holds the rules version: a new version is not answered from old results', () => {
    const gas = project();
    gas.ctx.JD_RETURN_BY('2022-06-16 10:00:00');
    for (const [key, entry] of gas.cache.store) if (key.startsWith('jdpg:rules:')) entry.value = 'older-version';
    gas.ctx.JD_RETURN_BY('2022-06-16 10:00:00');
    assert.equal(posts(gas).length, 2);
  });

  test('a result bigger than one cache entry is stored in parts and read back whole', () => {
    const gas = project();
    const paid = Array.from({ length: 3000 }, (_, i) => [`2022-06-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00`]);
    const first = plain(gas.ctx.JD_SHIP_STATUS(paid, '', 'jingxi', AS_OF));
    assert.ok([...gas.cache.store.keys()].some((k) => k.endsWith(':1')), 'stored in more than one part');
    assert.deepEqual(plain(gas.ctx.JD_SHIP_STATUS(paid, '', 'jingxi', AS_OF)), first);
    assert.equal(posts(gas).length, 1);
  });

  test('every API call is made holding the document lock, which is released after', () => {
    const gas = project();
    gas.ctx.JD_SHIP_BY('2022-06-16 10:00:00', 'jingxi');
    assert.ok(gas.fetchLog.every((f) => f.lockHeld));
    assert.equal(gas.lockState.held, false);
  });

  test('while another recalculation holds the lock the formula says busy and calls nothing', () => {
    const gas = project();
    gas.lockState.busy = true;
    assert.throws(() => gas.ctx.JD_SHIP_BY('2022-06-16 10:00:00', 'jingxi'), /正忙.*Busy/);
    assert.equal(gas.fetchLog.length, 0);
  });

  test('no API URL set: a readable error pointing to Settings', () => {
    const gas = loadProject();
    assert.throws(() => gas.ctx.JD_SHIP_BY('2022-06-16 10:00:00'), /未设置 API 地址.*Settings/);
  });

  test('a wrong key is reported with the API message and not retried', () => {
    const gas = project({ documentProperties: { JDPG_API_URL: api.url, JDPG_API_KEY: 'wrong' } });
    assert.throws(() => gas.ctx.JD_SHIP_BY('2022-06-16 10:00:00'), /JD Promo Guard API 401/);
    assert.equal(gas.fetchLog.length, 1);
    assert.equal(gas.sleeps.length, 0);
  });
});
