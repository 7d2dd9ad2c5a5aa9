/**
 * @fileoverview Turning what Sheets passes to a custom function (a scalar for one
 * cell, a 2D array for a range; numbers, text, Dates, '' for empty) into API
 * input, and API output back into cells.
 */

/**
 * A custom-function argument as a 2D array (one cell arrives as a scalar).
 *
 * @param {*} arg The argument.
 * @return {Array<Array<*>>} Rows of cells.
 */
function asGrid_(arg) {
  if (Array.isArray(arg)) {
    return arg.map(function (row) {
      return Array.isArray(row) ? row : [row];
    });
  }
  return [[arg === undefined || arg === null ? '' : arg]];
}

/**
 * Lines arguments up cell by cell, the way ARRAYFORMULA does: every argument is
 * the shape of the first, a single cell (or literal) applies to every cell, a
 * single column to every column and a single row to every row.
 *
 * @param {Object<string, *>} args Arguments by name; the first one sets the shape.
 * @return {{rows: number, cols: number, at: (name: string, r: number, c: number) => *}} The aligned view.
 * @throws {Error} When an argument's size fits none of those rules.
 */
function alignArgs_(args) {
  var names = Object.keys(args);
  /** @type {Object<string, Array<Array<*>>>} */
  var grids = {};
  names.forEach(function (name) {
    grids[name] = asGrid_(args[name]);
  });
  var first = grids[names[0]];
  var rows = first.length;
  var cols = first[0].length;
  names.forEach(function (name) {
    var g = grids[name];
    var okRows = g.length === rows || g.length === 1;
    var okCols = g[0].length === cols || g[0].length === 1;
    if (!okRows || !okCols) {
      throw new Error(
        '参数 ' + name + ' 的区域大小与第一个参数不一致（' + g.length + '×' + g[0].length + ' vs ' + rows + '×' +
          cols + '）。 / Range ' + name + ' does not match the size of the first argument.'
      );
    }
  });
  return {
    rows: rows,
    cols: cols,
    at: function (name, r, c) {
      var g = grids[name];
      var row = g[g.length === 1 ? 0 : r];
      var value = row[row.length === 1 ? 0 : c];
      return value === undefined || value === null ? '' : value;
    }
  };
}

/**
 * True for a Date from a cell. Checked by tag, not `instanceof`, so it also holds
 * for Dates made in another realm.
 *
 * @param {*} value A cell value.
 * @return {boolean} Whether it is a Date.
 */
function isDate_(value) {
  return Object.prototype.toString.call(value) === '[object Date]';
}

/**
 * The time zone the spreadsheet shows its dates in. A date typed or pasted into a
 * cell (a JD export time) is the wall-clock time shown in this zone, so that wall
 * clock is what is sent to the API, which reads it as Beijing time.
 *
 * @return {string} An IANA zone id.
 */
function sheetTimeZone_() {
  var spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  var zone = spreadsheet ? spreadsheet.getSpreadsheetTimeZone() : '';
  return zone || BEIJING_TZ;
}

/**
 * One cell as API input text: Dates as the wall-clock time shown in the sheet
 * ("yyyy-MM-dd HH:mm:ss"), numbers and booleans as text, text trimmed.
 *
 * @param {*} value A cell value.
 * @param {string} zone The sheet's time zone.
 * @return {string} The text ('' for an empty cell).
 */
function cellText_(value, zone) {
  if (value === '' || value === null || value === undefined) return '';
  if (isDate_(value)) return Utilities.formatDate(/** @type {Date} */ (value), zone, TIME_PATTERN);
  return String(value).trim();
}

/**
 * An API time ("2022-06-20T10:00:00+08:00") as JD writes it, in Beijing time.
 *
 * @param {?string} iso The time, or null.
 * @return {string} "2022-06-20 10:00:00", or '' for null.
 */
function beijingText_(iso) {
  if (!iso) return '';
  var m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?\+08:00$/.exec(iso);
  if (m) return m[1] + ' ' + m[2];
  return Utilities.formatDate(new Date(iso), BEIJING_TZ, TIME_PATTERN);
}

/**
 * An annotation value as a cell value ('' for null).
 *
 * @param {*} value A JSON value from the API.
 * @return {*} The cell value.
 */
function cellValue_(value) {
  return value === null || value === undefined ? '' : value;
}

/**
 * A value as `setValues` must be given it to land in the cell as it is: text gets a leading
 * apostrophe, which Sheets does not store, so that text from the API starting with "=" never
 * becomes a formula, and "40.00" or "2022-06-20 10:00:00" stay the text they are (as the gspread
 * command writes them: `stringValue`). Numbers and booleans go as they are.
 *
 * @param {*} value A cell value.
 * @return {*} The value to write.
 */
function literalCell_(value) {
  return typeof value === 'string' && value !== '' ? "'" + value : value;
}

/**
 * The readable text of a result's per-order errors, Chinese first.
 *
 * @param {Array<{field: string, message: string, message_en: string}>} errors The errors.
 * @return {string} One line per error.
 */
function errorText_(errors) {
  return (
    '错误 error: ' +
    errors
      .map(function (e) {
        return (e.field ? e.field + ': ' : '') + [e.message, e.message_en].filter(Boolean).join(' / ');
      })
      .join('; ')
  );
}
