/**
 * @fileoverview Annotating a whole sheet in place, for the menu and the hourly refresh. Only
 * columns whose header starts with the vocabulary's prefix ("JDPG ") are ever written, added
 * to the right of the data; every other cell is left as it was.
 */

/**
 * Indexes (0-based) of the columns whose header starts with "JDPG ".
 *
 * @param {Array<*>} header The sheet's first row.
 * @return {Array<number>} The add-on's own columns.
 */
function ownColumns_(header) {
  var prefix = ownHeaderPrefix_();
  var own = [];
  header.forEach(function (title, i) {
    if (String(title).indexOf(prefix) === 0) own.push(i);
  });
  return own;
}

/**
 * Groups sorted 1-based numbers into runs of adjacent numbers.
 *
 * @param {Array<number>} numbers Ascending.
 * @return {Array<{start: number, items: Array<number>}>} Runs; `items` index into `numbers`.
 */
function columnRuns_(numbers) {
  /** @type {Array<{start: number, items: Array<number>}>} */
  var runs = [];
  numbers.forEach(function (n, i) {
    var last = runs[runs.length - 1];
    if (last && n === last.start + last.items.length) last.items.push(i);
    else runs.push({ start: n, items: [i] });
  });
  return runs;
}

/**
 * "Now" as the API reads it: the wall clock in Beijing.
 *
 * @return {string} "yyyy-MM-dd HH:mm:ss".
 */
function beijingNow_() {
  return Utilities.formatDate(new Date(), BEIJING_TZ, TIME_PATTERN);
}

/**
 * What identifies a sheet's data for resuming: its header and number of rows.
 *
 * @param {Array<*>} header The data columns' header cells.
 * @param {number} rows Data rows.
 * @return {string} A digest.
 */
function sheetFingerprint_(header, rows) {
  return digest_(JSON.stringify([header.map(String), rows]));
}

/**
 * Where an earlier run on this sheet stopped, if the sheet's data still looks the same.
 *
 * @param {GoogleAppsScript.Spreadsheet.Sheet} sheet The sheet.
 * @param {string} fingerprint From {@link sheetFingerprint_}.
 * @return {?{nextRow: number, asOf: string, total: number}} The resume point, or null.
 */
function resumePoint_(sheet, fingerprint) {
  var saved = PropertiesService.getDocumentProperties().getProperty(PROP_RESUME);
  if (!saved) return null;
  try {
    var point = JSON.parse(saved);
    if (point.sheetId === sheet.getSheetId() && point.fingerprint === fingerprint) return point;
  } catch (e) {
    return null;
  }
  return null;
}

/**
 * Annotates every row of `sheet` (header in row 1) and writes the annotation columns, with a
 * header, to the right of the data; on a re-run the existing "JDPG " columns are updated in
 * place. Colours come from conditional formatting keyed on those columns. When the time limit
 * comes first, the rows done so far are written and the run can be resumed.
 *
 * @param {GoogleAppsScript.Spreadsheet.Sheet} sheet The sheet.
 * @param {{limitMs: number}} opts The run's time limit.
 * @return {{empty: boolean, total: number, done: number, counts: Object<string, number>, complete: boolean, nextRow: number, asOf: string, calls: number, columns: Object<string, number>, coverage: ?Object<string, *>}}
 *     What was done; `nextRow` is the 1-based sheet row a resumed run starts from; `columns`
 *     our columns by title.
 * @throws {Error} The API's message when a call fails; nothing is written then.
 */
function annotateSheet_(sheet, opts) {
  var budget = timeBudget_(opts.limitMs, TIME_RESERVE_MS);
  var lastRow = sheet.getLastRow();
  var lastCol = sheet.getLastColumn();
  /** @type {Object<string, number>} */
  var counts = { late: 0, at_risk: 0, owed: 0, error: 0 };
  if (lastRow < 2) {
    return {
      empty: true,
      total: 0,
      done: 0,
      counts: counts,
      complete: true,
      nextRow: -1,
      asOf: '',
      calls: 0,
      columns: {},
      coverage: null
    };
  }
  var values = sheet.getRange(1, 1, lastRow, lastCol).getValues();
  var own = ownColumns_(values[0]);
  var dataCols = [];
  for (var c = 0; c < lastCol; c++) if (own.indexOf(c) < 0) dataCols.push(c);
  var grid = values.map(function (row) {
    return dataCols.map(function (i) {
      return row[i];
    });
  });
  var fingerprint = sheetFingerprint_(grid[0], grid.length - 1);
  var resume = resumePoint_(sheet, fingerprint);
  var asOf = resume ? resume.asOf : beijingNow_();
  var startRow = resume ? resume.nextRow : 0;

  var table = annotateRows_(grid, asOf, '', sheetTimeZone_(), { budget: budget, startRow: startRow });
  var columns = writeAnnotation_(sheet, values[0], own, lastCol, table);
  applyStatusFormats_(sheet, columns);
  refreshTodoFilter_(sheet, columns);

  var props = PropertiesService.getDocumentProperties();
  if (table.nextRow >= 0) {
    props.setProperty(
      PROP_RESUME,
      JSON.stringify({ sheetId: sheet.getSheetId(), fingerprint: fingerprint, asOf: asOf, nextRow: table.nextRow })
    );
  } else {
    props.deleteProperty(PROP_RESUME);
  }
  var done = 0;
  table.row_status.forEach(function (status, i) {
    if (!table.done[i]) return;
    done++;
    if (status in counts) counts[status]++;
  });
  return {
    empty: false,
    total: table.rows.length,
    done: done,
    counts: counts,
    complete: table.nextRow < 0,
    nextRow: table.nextRow < 0 ? -1 : table.nextRow + 2,
    asOf: asOf,
    calls: table.calls,
    columns: columns,
    coverage: mergeCoverage_(table.summaries || [])
  };
}

/**
 * Writes the annotation's header and the rows done in this run into our columns (existing
 * ones by title, new ones appended at the end of the grid).
 *
 * @param {GoogleAppsScript.Spreadsheet.Sheet} sheet The sheet.
 * @param {Array<*>} header Row 1 as read.
 * @param {Array<number>} own 0-based indexes of our existing columns.
 * @param {number} lastCol The last column with data.
 * @param {{header: Array<string>, rows: Array<Array<*>>, done: Array<boolean>}} table The annotation.
 * @return {Object<string, number>} 1-based column of each annotation title.
 */
function writeAnnotation_(sheet, header, own, lastCol, table) {
  /** @type {Object<string, number>} */
  var existing = {};
  own.forEach(function (i) {
    existing[String(header[i])] = i + 1;
  });
  var next = lastCol + 1;
  /** @type {Object<string, number>} */
  var columns = {};
  var targets = table.header.map(function (title) {
    var col = existing[title] || next++;
    columns[title] = col;
    return col;
  });
  var needed = next - 1 - sheet.getMaxColumns();
  if (needed > 0) sheet.insertColumnsAfter(sheet.getMaxColumns(), needed);

  var order = targets
    .map(function (col, j) {
      return { col: col, j: j };
    })
    .sort(function (a, b) {
      return a.col - b.col;
    });
  var doneRows = table.done
    .map(function (done, i) {
      return done ? i : -1;
    })
    .filter(function (i) {
      return i >= 0;
    });
  var rowRuns = columnRuns_(doneRows);
  columnRuns_(
    order.map(function (o) {
      return o.col;
    })
  ).forEach(function (run) {
    var js = run.items.map(function (k) {
      return order[k].j;
    });
    var head = sheet.getRange(1, run.start, 1, js.length);
    head.setValues([
      js.map(function (j) {
        return literalCell_(table.header[j]);
      })
    ]);
    head.setFontWeight('bold');
    if (table.rows.length) {
      // Colours come from conditional formatting; fixed ones (earlier versions) would outlast a status.
      sheet.getRange(2, run.start, table.rows.length, js.length).setBackground(null);
    }
    rowRuns.forEach(function (rows) {
      var block = rows.items.map(function (k) {
        var row = table.rows[doneRows[k]];
        return js.map(function (j) {
          return literalCell_(row[j]);
        });
      });
      sheet.getRange(rows.start + 2, run.start, block.length, js.length).setValues(block);
    });
  });
  return columns;
}
