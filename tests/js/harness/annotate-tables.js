'use strict';
// Annotates tables with the real Apps Script files under Node, as the menu's "Annotate this
// sheet" does, for tests written in Python (tests/sheets/test_one_grouping_rule.py).
// stdin: {"url", "apiKey", "startMs", "tables": [[header, ...rows]], "runs": [{"maxRows", "callMs"}]}
// stdout: for each table, for each run, {"runs": how many menu runs it took, "rows": the sheet}.
// A run whose calls take long (callMs) stops before the 6-minute limit and is resumed by the
// next menu run, as a merchant would, until nothing is left.

const fs = require('node:fs');
const { loadProject, makeClock } = require('./gas');
const { Spreadsheet } = require('./sheet-model');

const MAX_RUNS = 50;

function annotate(input, table, { maxRows, callMs = 1 }) {
  const spreadsheet = new Spreadsheet();
  const sheet = spreadsheet.addSheet('Orders', table);
  const clock = makeClock(input.startMs);
  const gas = loadProject({
    spreadsheet,
    clock,
    documentProperties: { JDPG_API_URL: input.url, JDPG_API_KEY: input.apiKey || '' },
    onFetch: () => clock.advance(callMs),
  });
  if (maxRows) gas.ctx.MAX_ROWS_PER_CALL = maxRows;
  let runs = 0;
  do {
    gas.ctx.annotateActiveSheet();
    runs++;
    clock.advance(60 * 1000);
  } while (gas.props.getProperty('JDPG_RESUME') !== null && runs < MAX_RUNS);
  return { runs, rows: JSON.parse(JSON.stringify(sheet.snapshot())) };
}

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = input.tables.map((table) => input.runs.map((run) => annotate(input, table, run)));
process.stdout.write(JSON.stringify(out));
