/**
 * @fileoverview The "JD Promo Guard" menu: settings, annotating the active sheet
 * in place, and clearing the annotation. The add-on only ever writes to columns
 * whose header starts with "JDPG " (and cells it appends to the right of the data).
 */

/**
 * Adds the menu when the spreadsheet opens.
 *
 * @param {GoogleAppsScript.Events.SheetsOnOpen=} e The open event (unused).
 */
function onOpen(e) {
  SpreadsheetApp.getUi()
    .createMenu('JD Promo Guard')
    .addItem('设置 Settings', 'showSettings')
    .addItem('标注本表 Annotate this sheet', 'annotateActiveSheet')
    .addItem('清除标注 Clear annotations', 'clearAnnotations')
    .addToUi();
}

/**
 * Adds the menu right after the add-on is installed.
 *
 * @param {GoogleAppsScript.Events.AddonOnInstall=} e The install event.
 */
function onInstall(e) {
  onOpen();
}

/** Opens the settings sidebar (API URL and key). */
function showSettings() {
  var html = HtmlService.createHtmlOutputFromFile('Settings').setTitle('JD Promo Guard 设置 Settings');
  SpreadsheetApp.getUi().showSidebar(html);
}

/**
 * What the settings sidebar shows: the URL, and only whether a key is set.
 *
 * @return {{apiUrl: string, hasKey: boolean}} The current settings.
 */
function getSettingsForSidebar() {
  var props = PropertiesService.getDocumentProperties();
  return { apiUrl: props.getProperty(PROP_API_URL) || '', hasKey: Boolean(props.getProperty(PROP_API_KEY)) };
}

/**
 * Saves the settings from the sidebar into document properties.
 *
 * @param {{apiUrl: string, apiKey: string}} form The URL, and the key ('' keeps the current key).
 * @return {{apiUrl: string, hasKey: boolean}} The settings now in force.
 * @throws {Error} When the URL is not an http(s) URL.
 */
function saveSettings(form) {
  var apiUrl = String((form && form.apiUrl) || '').trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(apiUrl)) {
    throw new Error('API 地址需以 https:// 开头。 / The API URL must start with https:// (http:// only for local tests).');
  }
  var props = PropertiesService.getDocumentProperties();
  props.setProperty(PROP_API_URL, apiUrl);
  var apiKey = String((form && form.apiKey) || '').trim();
  if (apiKey) props.setProperty(PROP_API_KEY, apiKey);
  return getSettingsForSidebar();
}

/**
 * Indexes (0-based) of the columns whose header starts with "JDPG ".
 *
 * @param {Array<*>} header The sheet's first row.
 * @return {Array<number>} The add-on's own columns.
 */
function ownColumns_(header) {
  var own = [];
  header.forEach(function (title, i) {
    if (String(title).indexOf(OWN_HEADER_PREFIX) === 0) own.push(i);
  });
  return own;
}

/**
 * Groups sorted 1-based column numbers into runs of adjacent columns.
 *
 * @param {Array<number>} columns Column numbers, ascending.
 * @return {Array<{start: number, items: Array<number>}>} Runs; `items` index into `columns`.
 */
function columnRuns_(columns) {
  var runs = [];
  columns.forEach(function (col, i) {
    var last = runs[runs.length - 1];
    if (last && col === last.start + last.items.length) last.items.push(i);
    else runs.push({ start: col, items: [i] });
  });
  return runs;
}

/**
 * Menu action: annotates every row of the active sheet (header in row 1) and writes
 * the annotation columns, with a header, to the right of the data. On a re-run the
 * add-on's existing columns are updated in place. No other cell is written.
 */
function annotateActiveSheet() {
  var ui = SpreadsheetApp.getUi();
  var sheet = SpreadsheetApp.getActiveSheet();
  var lastRow = sheet.getLastRow();
  var lastCol = sheet.getLastColumn();
  if (lastRow < 2) {
    ui.alert('JD Promo Guard', '本表没有数据行（第 1 行应为表头）。 / This sheet has no data rows (row 1 is the header).', ui.ButtonSet.OK);
    return;
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

  var table;
  try {
    table = annotateRows_(grid, '', '', sheetTimeZone_(), false);
  } catch (e) {
    ui.alert('JD Promo Guard', errorMessage_(e), ui.ButtonSet.OK);
    return;
  }

  /** @type {Object<string, number>} */
  var existing = {};
  own.forEach(function (i) {
    existing[String(values[0][i])] = i + 1;
  });
  var next = lastCol + 1;
  var targets = table.header.map(function (title) {
    return existing[title] || next++;
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
  var colours = table.row_status.map(function (status) {
    return STATUS_COLOURS[status] || null;
  });
  columnRuns_(
    order.map(function (o) {
      return o.col;
    })
  ).forEach(function (run) {
    var js = run.items.map(function (k) {
      return order[k].j;
    });
    var block = [
      js.map(function (j) {
        return table.header[j];
      })
    ];
    var backgrounds = [js.map(function () {
      return null;
    })];
    table.rows.forEach(function (row, r) {
      block.push(
        js.map(function (j) {
          return row[j];
        })
      );
      backgrounds.push(
        js.map(function () {
          return colours[r];
        })
      );
    });
    var range = sheet.getRange(1, run.start, block.length, js.length);
    range.setValues(block);
    range.setBackgrounds(backgrounds);
    sheet.getRange(1, run.start, 1, js.length).setFontWeight('bold');
  });

  var counts = { late: 0, at_risk: 0, owed: 0, error: 0 };
  table.row_status.forEach(function (status) {
    if (status in counts) counts[/** @type {'late'|'at_risk'|'owed'|'error'} */ (status)]++;
  });
  SpreadsheetApp.getActiveSpreadsheet().toast(
    '超时 late ' + counts.late + '，即将超时 at risk ' + counts.at_risk + '，需赔付 owed ' + counts.owed +
      '，错误 errors ' + counts.error,
    'JD Promo Guard 已标注 annotated ' + table.rows.length
  );
}

/** Menu action: deletes the add-on's own columns (header "JDPG …") and nothing else. */
function clearAnnotations() {
  var sheet = SpreadsheetApp.getActiveSheet();
  var lastCol = sheet.getLastColumn();
  if (lastCol < 1) return;
  var own = ownColumns_(sheet.getRange(1, 1, 1, lastCol).getValues()[0]).map(function (i) {
    return i + 1;
  });
  var runs = columnRuns_(own);
  for (var k = runs.length - 1; k >= 0; k--) sheet.deleteColumns(runs[k].start, runs[k].items.length);
  SpreadsheetApp.getActiveSpreadsheet().toast('已清除 cleared ' + own.length, 'JD Promo Guard');
}
