'use strict';
// The hourly refresh (a time-driven trigger) and the to-do filter, on in-memory sheets with
// a fake clock (no real waits), against the real API.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { loadProject, plain, makeClock } = require('./harness/gas');
const { Spreadsheet } = require('./harness/sheet-model');
const { useApi } = require('./harness/api-server');

const api = useApi();

const VOCAB = plain(loadProject().ctx.JDPG_VOCAB);
const beijingMs = (text) => Date.parse(text.replace(' ', 'T') + '+08:00');
const HEADER = ['订单号', '商品名称', '订购数量', '付款确认时间', '订单状态', '应付金额', '平台', '揽收时间'];
// Jingxi orders must be picked up within 96 h: paid 2022-06-16 10:00, due 2022-06-20 10:00.
function ordersRows() {
  return [
    HEADER,
    ['900000000001', '保温杯', 1, '2022-06-16 10:00:00', '等待出库', '129.00', '京喜', ''],
    ['900000000002', '茶叶', 1, '2022-06-16 10:00:00', '等待确认收货', '59.00', '京喜', '2022-06-17 10:00:00'],
    ['900000000003', '雨伞', 1, '2022-06-18 10:00:00', '等待出库', '35.00', '京喜', ''],
  ];
}

function setup({ key = api.apiKey, start = '2022-06-16 12:00:00' } = {}) {
  const spreadsheet = new Spreadsheet();
  const notes = spreadsheet.addSheet('说明', [['这张表不是订单']]);
  const sheet = spreadsheet.addSheet('Orders', ordersRows());
  spreadsheet.setActiveSheet(sheet);
  const clock = makeClock(beijingMs(start));
  const gas = loadProject({ spreadsheet, clock, documentProperties: { JDPG_API_URL: api.url, JDPG_API_KEY: key } });
  return { gas, sheet, notes, spreadsheet, clock };
}

const ownCols = (sheet) => sheet.header().map((t, i) => (t.startsWith('JDPG ') ? i + 1 : 0)).filter(Boolean);
const colOf = (sheet, part) => sheet.header().findIndex((t) => t.startsWith('JDPG ') && t.includes(part)) + 1;

function assertWritesOnlyIn(sheet, columns) {
  for (const m of sheet.mutations) {
    if (!('col' in m)) continue;
    for (let c = m.col; c <= m.lastCol; c++) assert.ok(columns.includes(c), `${m.op} touched column ${c}`);
  }
}

describe('每小时刷新 Refresh hourly', () => {
  test('installing twice makes one hourly trigger; stopping removes it', () => {
    const { gas } = setup();
    gas.ctx.installHourlyRefresh();
    gas.ctx.installHourlyRefresh();
    assert.equal(gas.triggers.length, 1, 'one trigger, not two');
    const [trigger] = gas.triggers;
    assert.equal(trigger.getHandlerFunction(), 'refreshAnnotations');
    assert.deepEqual(trigger.spec, { everyHours: 1 });
    assert.equal(typeof gas.ctx.refreshAnnotations, 'function');
    assert.match(gas.ui.alerts[0].prompt, /每小时刷新「Orders」.*every hour/);
    gas.ctx.removeHourlyRefresh();
    assert.equal(gas.triggers.length, 0);
    assert.match(gas.ui.alerts.at(-1).prompt, /已停止.*stopped/);
  });

  test('each run re-annotates our columns of the chosen sheet as of its hour, in one call, and nothing else', () => {
    const { gas, sheet, notes, clock } = setup();
    gas.ctx.annotateActiveSheet();
    const status = colOf(sheet, 'Ship status');
    assert.equal(sheet._get(2, status), '待发货 pending');
    gas.ctx.installHourlyRefresh();
    const alerts = gas.ui.alerts.length;
    const own = ownCols(sheet);
    const data = sheet.snapshot({ toCol: HEADER.length });
    sheet.mutations.length = 0;
    gas.fetchLog.length = 0;

    clock.set(beijingMs('2022-06-20 05:00:00'));
    gas.runTrigger(gas.triggers[0]);
    assert.equal(gas.fetchLog.length, 1, 'one UrlFetch per refresh');
    assert.equal(JSON.parse(gas.fetchLog[0].body).as_of, '2022-06-20 05:00:00');
    assert.ok(gas.fetchLog[0].scriptLockHeld, 'under the script lock');
    assert.equal(gas.lockState.script.held, false, 'and released');
    assert.equal(sheet._get(2, status), '即将超时 at_risk');
    assert.equal(sheet.shownColours(2, status).background, VOCAB.row_status.at_risk.background);
    assert.equal(sheet._get(3, status), '按时发货 shipped_on_time');
    assert.match(sheet.getRange(1, own[0]).getNote(), /最后刷新 Last refreshed 2022-06-20 05:00:00.*\n截至 as of 2022-06-20 05:00:00，3 行 rows/);

    clock.set(beijingMs('2022-06-20 11:00:00'));
    gas.runTrigger(gas.triggers[0]);
    assert.equal(sheet._get(2, status), '已超时未发货 overdue');
    assert.equal(sheet.shownColours(2, status).background, VOCAB.row_status.late.background);

    assert.deepEqual(ownCols(sheet), own, 'the same columns, updated in place');
    assertWritesOnlyIn(sheet, own);
    assert.deepEqual(sheet.snapshot({ toCol: HEADER.length }), data, 'data cells unchanged');
    assert.deepEqual(notes.mutations, [], 'the first sheet (where a trigger run starts) untouched');
    assert.equal(gas.ui.alerts.length, alerts, 'a trigger run shows nothing');
  });

  test('the first refresh of a sheet not yet annotated adds our columns after the data', () => {
    const { gas, sheet, clock } = setup();
    gas.ctx.installHourlyRefresh();
    clock.advance(3600 * 1000);
    gas.runTrigger(gas.triggers[0]);
    assert.deepEqual(ownCols(sheet), [9, 10, 11, 12, 13, 14, 15, 16, 17]);
    assert.equal(gas.fetchLog.length, 1);
  });

  test('a run that finds the lock taken does nothing', () => {
    const { gas, sheet } = setup();
    gas.ctx.installHourlyRefresh();
    gas.lockState.script.busy = true;
    gas.runTrigger(gas.triggers[0]);
    assert.equal(gas.fetchLog.length, 0);
    assert.deepEqual(sheet.mutations, []);
  });

  test('a failing API is reported in the note on our header, with nothing else written', () => {
    const { gas, sheet } = setup();
    gas.ctx.annotateActiveSheet();
    gas.props.setProperty('JDPG_API_KEY', 'wrong');
    gas.ctx.installHourlyRefresh();
    const values = sheet.snapshot();
    gas.runTrigger(gas.triggers[0]);
    assert.deepEqual(sheet.snapshot(), values);
    assert.match(sheet.getRange(1, colOf(sheet, 'Ship by')).getNote(), /刷新失败 Refresh failed.*\nJD Promo Guard API 401/);
  });

  test('when the refreshed sheet is deleted, the trigger removes itself', () => {
    const { gas, sheet, spreadsheet } = setup();
    gas.ctx.installHourlyRefresh();
    spreadsheet.deleteSheet(sheet);
    gas.runTrigger(gas.triggers[0]);
    assert.equal(gas.triggers.length, 0);
    assert.equal(gas.fetchLog.length, 0);
  });

  test('the stand-in keeps Apps Script\'s limit of 20 triggers per user and script', () => {
    const { gas } = setup();
    for (let i = 0; i < 20; i++) gas.ctx.ScriptApp.newTrigger('f' + i).timeBased().everyHours(1).create();
    assert.throws(() => gas.ctx.installHourlyRefresh(), /too many triggers/);
    assert.throws(() => gas.ctx.ScriptApp.newTrigger('x').timeBased().everyHours(3), /not valid/);
  });
});

describe('待办筛选 To-do filter', () => {
  test('shows only overdue, at-risk and owed rows, applied again by each refresh', () => {
    const { gas, sheet, clock } = setup({ start: '2022-06-20 05:00:00' });
    gas.ctx.annotateActiveSheet();
    gas.ctx.addTodoFilter();
    const shown = () => [2, 3, 4].filter((r) => !sheet.isRowHiddenByFilter(r));
    assert.deepEqual(shown(), [2], 'row 2 at risk; row 3 shipped on time and row 4 pending are hidden');
    assert.equal(sheet.getFilter().getRange().getA1Notation(), 'A1:Q4');

    const owed = colOf(sheet, 'Owed');
    sheet.getRange(3, owed).setValues([['40.00']]);
    assert.deepEqual(shown(), [2], 'Sheets does not re-filter on its own');
    gas.ctx.installHourlyRefresh();
    clock.set(beijingMs('2022-06-22 05:00:00'));
    gas.runTrigger(gas.triggers[0]);
    assert.deepEqual(shown(), [2, 4], 'the refresh re-applies it: row 4 is now at risk');
    assert.equal(sheet._get(3, owed), '0.00', 'and rewrote our money column from the API');
  });

  test('an amount owed or at stake shows its row', () => {
    const { gas, sheet } = setup({ start: '2022-06-17 05:00:00' });
    gas.ctx.annotateActiveSheet();
    sheet.getRange(4, colOf(sheet, 'If claimed')).setValues([['12.50']]);
    gas.ctx.addTodoFilter();
    assert.deepEqual([2, 3, 4].filter((r) => !sheet.isRowHiddenByFilter(r)), [4]);
  });

  test("a filter of the merchant's own is left alone, with a message", () => {
    const { gas, sheet } = setup();
    gas.ctx.annotateActiveSheet();
    const theirs = sheet.getRange(1, 1, 4, 8).createFilter();
    theirs.setColumnFilterCriteria(2, gas.ctx.SpreadsheetApp.newFilterCriteria().whenFormulaSatisfied('=LEN($B2)>2').build());
    gas.ctx.addTodoFilter();
    assert.equal(sheet.getFilter(), theirs);
    assert.match(gas.ui.alerts.at(-1).prompt, /已有筛选.*already has a filter/);
    gas.ctx.clearAnnotations();
    assert.equal(sheet.getFilter(), theirs, 'clearing our columns keeps it too');
  });

  test('before annotating it says so; clearing the annotation removes our filter', () => {
    const { gas, sheet } = setup();
    gas.ctx.addTodoFilter();
    assert.match(gas.ui.alerts[0].prompt, /请先标注本表/);
    assert.equal(sheet.getFilter(), null);
    gas.ctx.annotateActiveSheet();
    gas.ctx.addTodoFilter();
    assert.ok(sheet.getFilter());
    gas.ctx.clearAnnotations();
    assert.equal(sheet.getFilter(), null);
    assert.deepEqual(sheet.header(), HEADER);
  });
});
