/**
 * @fileoverview How our columns look and filter: conditional formatting keyed on our status
 * and money columns (so a row's colour follows its status whenever the values change), and a
 * to-do filter showing only overdue, at-risk and owed rows.
 *
 * The to-do view is the sheet's filter (SpreadsheetApp's filter API), not a saved filter view:
 * filter views exist only in the Sheets REST API (the Advanced Sheets service), which needs
 * the `spreadsheets` scope over all of the merchant's spreadsheets instead of
 * `spreadsheets.currentonly`. Anyone may save the filter as their own view (Data → Filter views).
 */

/**
 * A 1-based column number as letters (1 → A, 27 → AA).
 *
 * @param {number} n The column.
 * @return {string} Its letters.
 */
function columnLetter_(n) {
  var s = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * Our columns found in a header row, by title.
 *
 * @param {Array<*>} header Row 1.
 * @return {Object<string, number>} 1-based column of each of our titles.
 */
function ownColumnMap_(header) {
  /** @type {Object<string, number>} */
  var columns = {};
  ownColumns_(header).forEach(function (i) {
    columns[String(header[i])] = i + 1;
  });
  return columns;
}

/**
 * The cell of row 2 in one of our columns, as a formula reference ("$L2"): formulas of rules
 * and filters are written for the first data row and Sheets moves the row down for each row.
 *
 * @param {Object<string, number>} columns Our columns by title.
 * @param {string} key The column key.
 * @return {?string} The reference, or null when the column is missing.
 */
function ownCell_(columns, key) {
  var col = columns[ownColumnTitle_(key)];
  return col ? '$' + columnLetter_(col) + '2' : null;
}

/**
 * A formula true when the status cell ends with one of these codes ("已超时未发货 overdue").
 *
 * @param {string} cell The status cell reference.
 * @param {Array<string>} codes Ship-status codes.
 * @return {string} The REGEXMATCH expression.
 */
function statusTest_(cell, codes) {
  return 'REGEXMATCH(' + cell + '&"", " (' + codes.join('|') + ')$")';
}

/**
 * A formula true when either money column holds an amount other than zero.
 *
 * @param {string} owed The owed cell.
 * @param {string} ifClaimed The if-claimed cell.
 * @return {string} The expression.
 */
function moneyTest_(owed, ifClaimed) {
  return 'OR(IFERROR(VALUE(' + owed + '),0)<>0, IFERROR(VALUE(' + ifClaimed + '),0)<>0)';
}

/**
 * The row colours as formulas, in the order the rows API decides them (shared/columns.py
 * row_status): late before at risk before owed before a data error.
 *
 * @param {Object<string, number>} columns Our columns by title.
 * @return {Array<{status: string, formula: string}>} Empty when a needed column is missing.
 */
function statusRuleFormulas_(columns) {
  var status = ownCell_(columns, 'ship_status');
  var owed = ownCell_(columns, 'compensation');
  var ifClaimed = ownCell_(columns, 'if_claimed');
  var errors = ownCell_(columns, 'errors');
  if (!status || !owed || !ifClaimed || !errors) return [];
  return [
    { status: 'late', formula: '=' + statusTest_(status, shipStatusesWithRow_('late')) },
    { status: 'at_risk', formula: '=' + statusTest_(status, shipStatusesWithRow_('at_risk')) },
    { status: 'owed', formula: '=' + moneyTest_(owed, ifClaimed) },
    { status: 'error', formula: '=LEN(' + errors + ')>0' }
  ];
}

/**
 * True when every range of a rule lies inside our columns: such a rule is ours.
 *
 * @param {GoogleAppsScript.Spreadsheet.ConditionalFormatRule} rule The rule.
 * @param {Array<number>} own Our 1-based columns.
 * @return {boolean} Whether it is ours.
 */
function isOwnRule_(rule, own) {
  return rule.getRanges().every(function (range) {
    for (var c = range.getColumn(); c <= range.getLastColumn(); c++) if (own.indexOf(c) < 0) return false;
    return true;
  });
}

/**
 * Replaces our conditional format rules with fresh ones over our columns (row 2 to the end of
 * the grid, so rows added later are coloured too). The merchant's own rules are kept, after ours.
 *
 * @param {GoogleAppsScript.Spreadsheet.Sheet} sheet The sheet.
 * @param {Object<string, number>} columns Our columns by title.
 */
function applyStatusFormats_(sheet, columns) {
  var own = Object.keys(columns)
    .map(function (title) {
      return columns[title];
    })
    .sort(function (a, b) {
      return a - b;
    });
  var formulas = statusRuleFormulas_(columns);
  if (!formulas.length || sheet.getMaxRows() < 2) return;
  var ranges = columnRuns_(own).map(function (run) {
    return sheet.getRange(2, run.start, sheet.getMaxRows() - 1, run.items.length);
  });
  var kept = sheet.getConditionalFormatRules().filter(function (rule) {
    return !isOwnRule_(rule, own);
  });
  var ours = formulas.map(function (f) {
    var colours = JDPG_VOCAB.row_status[f.status];
    return SpreadsheetApp.newConditionalFormatRule()
      .whenFormulaSatisfied(f.formula)
      .setBackground(colours.background)
      .setFontColor(colours.font)
      .setRanges(ranges)
      .build();
  });
  sheet.setConditionalFormatRules(ours.concat(kept));
}

/**
 * The to-do filter's formula, on the status column: overdue or at risk, or money owed or at stake.
 *
 * @param {Object<string, number>} columns Our columns by title.
 * @return {?string} The formula, or null when a needed column is missing.
 */
function todoFormula_(columns) {
  var status = ownCell_(columns, 'ship_status');
  var owed = ownCell_(columns, 'compensation');
  var ifClaimed = ownCell_(columns, 'if_claimed');
  if (!status || !owed || !ifClaimed) return null;
  return '=OR(' + statusTest_(status, TODO_SHIP_STATUSES) + ', ' + moneyTest_(owed, ifClaimed) + ')';
}

/**
 * True when the sheet's filter is our to-do filter: it has criteria, and only on our columns.
 *
 * @param {GoogleAppsScript.Spreadsheet.Filter} filter The sheet's filter.
 * @param {Array<number>} own Our 1-based columns.
 * @return {boolean} Whether it is ours.
 */
function isOwnFilter_(filter, own) {
  var range = filter.getRange();
  var criteria = 0;
  for (var c = range.getColumn(); c <= range.getLastColumn(); c++) {
    if (filter.getColumnFilterCriteria(c) === null) continue;
    if (own.indexOf(c) < 0) return false;
    criteria++;
  }
  return criteria > 0;
}

/**
 * Creates the to-do filter over the sheet's data and our columns.
 *
 * @param {GoogleAppsScript.Spreadsheet.Sheet} sheet A sheet without a filter.
 * @param {Object<string, number>} columns Our columns by title.
 * @return {boolean} False when our columns are missing (nothing created).
 */
function createTodoFilter_(sheet, columns) {
  var formula = todoFormula_(columns);
  if (!formula || sheet.getLastRow() < 1) return false;
  var filter = sheet.getRange(1, 1, sheet.getLastRow(), sheet.getLastColumn()).createFilter();
  var criteria = SpreadsheetApp.newFilterCriteria().whenFormulaSatisfied(formula).build();
  filter.setColumnFilterCriteria(columns[ownColumnTitle_('ship_status')], criteria);
  return true;
}

/**
 * Applies our to-do filter again after new values (Sheets does not re-filter rows whose values
 * change), over the rows the sheet has now. A filter that is not ours is left alone.
 *
 * @param {GoogleAppsScript.Spreadsheet.Sheet} sheet The sheet.
 * @param {Object<string, number>} columns Our columns by title.
 */
function refreshTodoFilter_(sheet, columns) {
  var filter = sheet.getFilter();
  var own = Object.keys(columns).map(function (title) {
    return columns[title];
  });
  if (!filter || !isOwnFilter_(filter, own)) return;
  filter.remove();
  createTodoFilter_(sheet, columns);
}

/**
 * Menu action: shows only the rows to act on now (overdue, at risk, money owed or at stake)
 * with the sheet's filter. A filter of the merchant's own is never replaced.
 */
function addTodoFilter() {
  var ui = SpreadsheetApp.getUi();
  var sheet = SpreadsheetApp.getActiveSheet();
  var lastCol = sheet.getLastColumn();
  var columns = lastCol ? ownColumnMap_(sheet.getRange(1, 1, 1, lastCol).getValues()[0]) : {};
  var own = Object.keys(columns).map(function (title) {
    return columns[title];
  });
  if (!todoFormula_(columns)) {
    ui.alert('JD Promo Guard', '请先标注本表。 / Annotate this sheet first.', ui.ButtonSet.OK);
    return;
  }
  var filter = sheet.getFilter();
  if (filter && !isOwnFilter_(filter, own)) {
    ui.alert(
      'JD Promo Guard',
      '本表已有筛选，未做更改。请先移除（数据 → 移除筛选）。 / This sheet already has a filter of its own; ' +
        'nothing was changed. Remove it first (Data → Remove filter).',
      ui.ButtonSet.OK
    );
    return;
  }
  if (filter) filter.remove();
  createTodoFilter_(sheet, columns);
  SpreadsheetApp.getActiveSpreadsheet().toast(
    '只显示已超时、即将超时和应付赔偿的行；移除：数据 → 移除筛选。 / Only overdue, at-risk and owed rows are shown; ' +
      'remove with Data → Remove filter.',
    'JD Promo Guard 待办 To-do'
  );
}
