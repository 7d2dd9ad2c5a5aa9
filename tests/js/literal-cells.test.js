'use strict';
// Apps Script writes the API's text as text, as the gspread command does (stringValue): a value
// starting with "=" never becomes a formula, and "0.00" or "2022-06-20 10:00:00" stay the text
// the API sent. The sheet stand-in reads setValues as Sheets reads typed text (formulas, numbers,
// a leading apostrophe kept out of the value).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { loadProject } = require('./harness/gas');
const { Spreadsheet } = require('./harness/sheet-model');
const { useApi } = require('./harness/api-server');

const api = useApi();
const HEADER = ['订单号', '付款确认时间', '订单状态', '平台', '揽收时间'];

test('text from the API that starts with "=" is written as text, never as a formula', () => {
  const spreadsheet = new Spreadsheet();
  const sheet = spreadsheet.addSheet('Orders', [HEADER, ['1', '2022-06-16 10:00:00', '等待出库', '京喜', '']]);
  const gas = loadProject({ spreadsheet });
  const hostile = ['=HYPERLINK("http://evil.example","点我")', '=1+1', '+86 10', '-1', '@SUM(A1)', '40.00'];
  const table = {
    header: hostile.map((_, i) => `JDPG ${i}`),
    rows: [hostile],
    row_status: ['ok'],
    done: [true],
  };
  gas.ctx.writeAnnotation_(sheet, HEADER, [], HEADER.length, table);
  assert.deepEqual(sheet.formulas.size, 0, 'no formula written');
  assert.deepEqual(sheet.snapshot()[1].slice(HEADER.length), hostile, 'every value is the text the API sent');
});

test('a real run writes the API\'s text as text and its numbers as numbers', () => {
  const spreadsheet = new Spreadsheet();
  const sheet = spreadsheet.addSheet('Orders', [HEADER, ['235711131719', '2022-06-16 10:00:00', '等待确认收货', '京喜', '2022-06-20 11:00:00']]);
  const gas = loadProject({ spreadsheet, documentProperties: { JDPG_API_URL: api.url, JDPG_API_KEY: api.apiKey } });
  gas.ctx.annotateActiveSheet();
  const header = sheet.header();
  const row = sheet.snapshot()[1];
  const cell = (part) => row[header.findIndex((t) => t.startsWith('JDPG ') && t.includes(part))];
  assert.equal(cell('Ship by'), '2022-06-20 10:00:00');
  assert.equal(cell('Owed'), '0.00', 'money stays the 2-decimal text the API sent');
  assert.equal(cell('Hours late'), 1, 'a number stays a number');
  assert.equal(sheet.formulas.size, 0);
});
