'use strict';
// The "JD Promo Guard" menu: settings, "Annotate this sheet" and "Clear annotations",
// on an in-memory sheet, against the real API.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { loadProject, plain } = require('./harness/gas');
const { Spreadsheet } = require('./harness/sheet-model');
const { useApi } = require('./harness/api-server');
const VOCAB = plain(loadProject().ctx.JDPG_VOCAB);

const api = useApi();

const beijing = (text) => new Date(text.replace(' ', 'T') + '+08:00');
const HEADER = ['订单号', '商品名称', '订购数量', '下单时间', '付款确认时间', '订单状态', '应付金额', '支付方式', '平台', '揽收时间'];
// Paid long ago, so "now" (the server clock) cannot change these statuses.
function ordersSheet() {
  return [
    HEADER,
    ['235711131719', '保温杯', 1, beijing('2022-06-16 09:58:00'), beijing('2022-06-16 10:00:00'), '等待确认收货', 129, '在线支付', '京喜', '2022-06-20 11:00:00'],
    ['235711131720', '茶叶 A', 1, '2022-06-16 09:00:00', '2022-06-16 09:01:00', '等待确认收货', '59.00', '在线支付', '京喜', '2022-06-17 10:00:00'],
    ['235711131720', '茶叶 B', 2, '2022-06-16 09:00:00', '2022-06-16 09:01:00', '等待确认收货', '59.00', '在线支付', '京喜', '2022-06-17 10:00:00'],
    ['235711131721', '坏行', 1, '2022-06-16 09:00:00', 'soon', '等待出库', '10', '在线支付', '京喜', ''],
    ['', '', '', '', '', '', '', '', '', ''],
    ['235711131722', '雨伞', 1, '2022-06-16 09:00:00', '2022-06-16 10:00:00', '等待出库', '35.00', '在线支付', '京喜', ''],
  ];
}

function setup(rows = ordersSheet(), sheetOpts = {}) {
  const spreadsheet = new Spreadsheet();
  const sheet = spreadsheet.addSheet('Orders', rows, sheetOpts);
  const gas = loadProject({
    spreadsheet,
    documentProperties: { JDPG_API_URL: api.url, JDPG_API_KEY: api.apiKey },
  });
  return { gas, sheet, spreadsheet };
}

const ownCols = (sheet) => sheet.header().map((t, i) => (t.startsWith('JDPG ') ? i + 1 : 0)).filter(Boolean);
const colOf = (sheet, part) => sheet.header().findIndex((t) => t.startsWith('JDPG ') && t.includes(part)) + 1;

function assertWritesOnlyIn(sheet, columns) {
  for (const m of sheet.mutations) {
    if (m.op === 'insertColumnsAfter') {
      assert.ok(m.after >= sheet.getMaxColumns() - m.howMany, 'columns are only ever added at the end of the grid');
      continue;
    }
    for (let c = m.col; c <= m.lastCol; c++) assert.ok(columns.includes(c), `${m.op} touched column ${c}`);
  }
}

describe('menu', () => {
  test('onOpen adds the JD Promo Guard menu with its actions, each a function of the project', () => {
    const { gas } = setup();
    gas.ctx.onOpen({});
    const [menu] = gas.ui.menus;
    assert.equal(menu.name, 'JD Promo Guard');
    const items = menu.items.filter((i) => !i.separator);
    assert.deepEqual(
      items.map((i) => i.fn),
      ['showSettings', 'annotateActiveSheet', 'clearAnnotations', 'addTodoFilter', 'installHourlyRefresh', 'removeHourlyRefresh'],
    );
    for (const item of items) assert.equal(typeof gas.ctx[item.fn], 'function');
    assert.match(items[1].caption, /标注本表 Annotate this sheet/);
    assert.match(items[4].caption, /每小时刷新 Refresh hourly/);
  });

  test('Settings opens a sidebar whose form calls server functions that exist', () => {
    const { gas } = setup();
    gas.ctx.showSettings();
    const [html] = gas.ui.sidebars;
    assert.match(html.getTitle(), /设置 Settings/);
    const called = [...html.getContent().matchAll(/\.(\w+)\(\{?\s*apiUrl|\.(getSettingsForSidebar)\(\)/g)].map((m) => m[1] || m[2]);
    assert.deepEqual(called.sort(), ['getSettingsForSidebar', 'saveSettings']);
    for (const fn of called) assert.equal(typeof gas.ctx[fn], 'function');
  });

  test('Settings are kept in document properties and the key is never shown back', () => {
    const gas = loadProject();
    const shown = plain(gas.ctx.saveSettings({ apiUrl: ' https://guard.example.com/ ', apiKey: 'k-1' }));
    assert.deepEqual(shown, { apiUrl: 'https://guard.example.com', hasKey: true });
    assert.equal(gas.props.getProperty('JDPG_API_URL'), 'https://guard.example.com');
    assert.equal(gas.props.getProperty('JDPG_API_KEY'), 'k-1');
    gas.ctx.saveSettings({ apiUrl: 'https://guard2.example.com', apiKey: '' });
    assert.equal(gas.props.getProperty('JDPG_API_KEY'), 'k-1', 'a blank key keeps the current one');
    assert.throws(() => gas.ctx.saveSettings({ apiUrl: 'javascript:alert(1)', apiKey: '' }), /https:\/\//);
  });
});

describe('Annotate this sheet', () => {
  test('writes the annotation columns right of the data, with a header and colours, and nothing else', () => {
    const { gas, sheet, spreadsheet } = setup();
    const before = sheet.snapshot();
    gas.ctx.annotateActiveSheet();
    // The sheet has no 签收时间 (sign-for) column: the result says what it could not check, never all clear.
    assert.equal(gas.ui.alerts.length, 1);
    assert.match(gas.ui.alerts[0].prompt, /售后：4 单中 3 单无法判断 \/ After-sales: 3 of 4 orders not checked/);
    assert.match(gas.ui.alerts[0].prompt, /没有签收时间列.*no received at \(received_at\) column/);

    const own = ownCols(sheet);
    assert.deepEqual(own, [11, 12, 13, 14, 15, 16, 17, 18, 19]);
    assert.deepEqual(sheet.snapshot({ toCol: 10 }), before, 'data cells unchanged');
    assertWritesOnlyIn(sheet, own);

    const status = colOf(sheet, 'Ship status');
    const errors = colOf(sheet, 'Errors');
    const cell = (r, c) => sheet._get(r, c);
    assert.equal(cell(1, colOf(sheet, 'Ship by')), 'JDPG 发货截止 Ship by');
    assert.equal(cell(2, status), '超时发货 shipped_late');
    assert.equal(cell(3, status), '按时发货 shipped_on_time');
    assert.equal(cell(4, status), cell(3, status));
    assert.match(cell(5, errors), /^付款确认时间: /); // the merchant's own column
    assert.equal(cell(6, status), '');
    assert.equal(cell(7, status), '已超时未发货 overdue');

    // Colours come from conditional format rules on our columns, in the vocabulary's palette.
    const { late, error } = VOCAB.row_status;
    const shown = (r, c) => sheet.shownColours(r, c).background;
    const bg = [1, 2, 3, 4, 5, 6, 7].map((r) => shown(r, 11));
    assert.deepEqual(bg, ['#ffffff', late.background, '#ffffff', '#ffffff', error.background, '#ffffff', late.background]);
    assert.deepEqual(sheet.shownColours(2, 19), { background: late.background, font: late.font }, 'the whole row of our columns');
    for (let r = 1; r <= 7; r++) for (let c = 1; c <= 10; c++) assert.equal(shown(r, c), '#ffffff', 'data cells keep their colours');
    assert.equal(sheet.getRange(1, 11).getFontWeights()[0][0], 'bold');

    assert.equal(gas.fetchLog.length, 1, 'one rows API call');
    assert.ok(gas.fetchLog[0].url.endsWith('/api/v1/rows/annotate'));
    assert.equal(JSON.parse(gas.fetchLog[0].body).as_of.length, 19, 'as of the run, in Beijing time');
    assert.ok(gas.fetchLog[0].scriptLockHeld, 'under the script lock');
    assert.match(spreadsheet.toasts[0].msg, new RegExp(`${late.zh} ${late.en} 2`));
    assert.match(sheet.getRange(1, 11).getNote(), /最后刷新 Last refreshed/);
  });

  test('a colour follows its status when the values change, with no colour written', () => {
    const { gas, sheet } = setup();
    gas.ctx.annotateActiveSheet();
    const status = colOf(sheet, 'Ship status');
    const { late, at_risk: atRisk } = VOCAB.row_status;
    assert.equal(sheet.shownColours(7, status).background, late.background);
    sheet.getRange(7, status).setValues([['即将超时 at_risk']]);
    assert.equal(sheet.shownColours(7, status).background, atRisk.background);
    sheet.getRange(7, status).setValues([['按时发货 shipped_on_time']]);
    assert.equal(sheet.shownColours(7, status).background, '#ffffff');
  });

  test("its rules replace its own earlier rules and keep the merchant's", () => {
    const { gas, sheet, spreadsheet } = setup();
    const theirs = gas.ctx.SpreadsheetApp.newConditionalFormatRule()
      .whenFormulaSatisfied('=LEN($B2)>3')
      .setBackground('#00ff00')
      .setRanges([sheet.getRange(2, 1, 10, 3)])
      .build();
    sheet.setConditionalFormatRules([theirs]);
    gas.ctx.annotateActiveSheet();
    gas.ctx.annotateActiveSheet();
    const rules = sheet.getConditionalFormatRules();
    assert.equal(rules.length, 5, 'four of ours (late, at risk, owed, error) and theirs, once');
    assert.equal(rules[4].getBooleanCondition().getCriteriaValues()[0], '=LEN($B2)>3');
    assert.ok(spreadsheet);
  });

  test('re-running after edits updates its own columns in place and leaves a column added after them alone', () => {
    const { gas, sheet } = setup();
    gas.ctx.annotateActiveSheet();
    const own = ownCols(sheet);
    // The merchant adds notes right of our columns, fixes a pickup time and a bad payment time.
    sheet.getRange(1, 20, 3, 1).setValues([['备注'], ['催过了'], ['']]);
    sheet.getRange(2, 10).setValues([['2022-06-19 11:00:00']]);
    sheet.getRange(5, 5).setValues([['2022-06-16 09:01:00']]);
    sheet.mutations.length = 0;
    const before = sheet.snapshot();

    gas.ctx.annotateActiveSheet();
    assert.deepEqual(ownCols(sheet), own, 'same columns');
    assertWritesOnlyIn(sheet, own);
    assert.ok(!sheet.mutations.some((m) => m.op === 'insertColumnsAfter'));
    const after = sheet.snapshot();
    for (let r = 0; r < before.length; r++) {
      for (let c = 0; c < 20; c++) if (!own.includes(c + 1)) assert.deepEqual(after[r][c], before[r][c]);
    }
    assert.equal(sheet._get(2, colOf(sheet, 'Ship status')), '按时发货 shipped_on_time');
    assert.equal(sheet._get(5, colOf(sheet, 'Errors')), '');
    assert.equal(sheet._get(2, 20), '催过了');
    assert.equal(
      JSON.parse(gas.fetchLog[1].body).header.includes('备注'),
      true,
      'other columns are data; only JDPG columns are skipped',
    );
    assert.ok(!JSON.parse(gas.fetchLog[1].body).header.some((h) => h.startsWith('JDPG ')));
  });

  test('rows removed from the data lose their old annotation on re-run', () => {
    const { gas, sheet } = setup();
    gas.ctx.annotateActiveSheet();
    sheet.getRange(7, 1, 1, 10).setValues([Array(10).fill('')]);
    gas.ctx.annotateActiveSheet();
    for (const c of ownCols(sheet)) assert.equal(sheet._get(7, c), '');
    assert.equal(sheet.shownColours(7, colOf(sheet, 'Ship status')).background, '#ffffff');
  });

  test('a sheet as wide as its grid gets columns added at the end, never inserted between', () => {
    const { gas, sheet } = setup(ordersSheet(), { maxCols: 10 });
    gas.ctx.annotateActiveSheet();
    const inserts = sheet.mutations.filter((m) => m.op === 'insertColumnsAfter');
    assert.deepEqual(inserts, [{ op: 'insertColumnsAfter', after: 10, howMany: 9 }]);
    assert.equal(sheet.getMaxColumns(), 19);
  });

  test('a header it cannot map is refused with a message naming the missing column, and nothing is written', () => {
    const rows = ordersSheet().map((r) => r.slice(1));
    const { gas, sheet } = setup(rows);
    gas.ctx.annotateActiveSheet();
    assert.equal(gas.ui.alerts.length, 1);
    assert.match(gas.ui.alerts[0].prompt, /表头缺少必需的列.*order_id/);
    assert.deepEqual(sheet.mutations, []);
  });

  test('an empty sheet is reported, not sent', () => {
    const { gas, sheet } = setup([HEADER]);
    gas.ctx.annotateActiveSheet();
    assert.match(gas.ui.alerts[0].prompt, /没有数据行.*no data rows/);
    assert.equal(gas.fetchLog.length, 0);
    assert.deepEqual(sheet.mutations, []);
  });

  test('more rows than one API call takes are sent in calls that never cut an order', () => {
    const rows = [HEADER];
    const straddling = new Set([4998, 4999, 5000]); // one order of three lines across the 5,000 mark
    for (let i = 0; i < 5100; i++) {
      const id = straddling.has(i) ? '399999999999' : String(300000000000 + Math.floor(i / 2));
      const pickup = straddling.has(i) ? '2022-06-21 10:00:00' : '2022-06-17 10:00:00';
      rows.push([id, `SKU ${i}`, 1, '', '2022-06-16 10:00:00', '等待确认收货', '20.00', '在线支付', '京喜', pickup]);
    }
    const { gas, sheet } = setup(rows);
    gas.ctx.annotateActiveSheet();
    const bodies = gas.fetchLog.map((f) => JSON.parse(f.body));
    // The first call's last order (rows 4998…) may go on past it: it is sent again with the rest.
    assert.deepEqual(bodies.map((b) => b.rows.length), [0, 5000, 102], 'a header probe, then two calls');
    assert.equal(bodies[2].rows[0][1], 'SKU 4998', 'the second call starts where the last order of the first begins');
    assert.equal(bodies[2].earlier_order_ids.length, 2499, 'with the order ids of the rows above it');
    const errors = colOf(sheet, 'Errors');
    for (let i = 0; i < 5100; i++) assert.equal(sheet._get(i + 2, errors), '', `line ${i}: no order cut in two`);
    const status = colOf(sheet, 'Ship status');
    const row = (i) => i + 2; // data line i sits on sheet row i + 2
    for (const i of straddling) assert.equal(sheet._get(row(i), status), '超时发货 shipped_late');
    assert.equal(sheet._get(row(4997), status), '按时发货 shipped_on_time');
    assert.equal(sheet._get(row(5099), status), '按时发货 shipped_on_time');
    assert.equal(sheet.getLastRow(), 5101);
  });
});

describe('Clear annotations', () => {
  test('removes only its own columns: the sheet is as it was before annotating', () => {
    const { gas, sheet } = setup();
    const before = sheet.snapshot();
    gas.ctx.annotateActiveSheet();
    gas.ctx.clearAnnotations();
    assert.deepEqual(sheet.snapshot(), before);
    assert.deepEqual(sheet.getRange(1, 1, 7, sheet.getMaxColumns()).getBackgrounds().flat().filter((c) => c !== '#ffffff'), []);
    assert.deepEqual(sheet.getConditionalFormatRules(), [], 'its rules go with its columns');
    assert.equal(sheet.notes.size, 0);
  });

  test('a column the merchant added after ours is kept, with its contents', () => {
    const { gas, sheet } = setup();
    gas.ctx.annotateActiveSheet();
    sheet.getRange(1, 20, 2, 1).setValues([['备注'], ['催过了']]);
    gas.ctx.clearAnnotations();
    assert.deepEqual(sheet.header(), [...HEADER, '备注']);
    assert.equal(sheet._get(2, 11), '催过了');
    assert.deepEqual(
      sheet.mutations.filter((m) => m.op === 'deleteColumns'),
      [{ op: 'deleteColumns', start: 11, howMany: 9 }],
    );
  });
});
