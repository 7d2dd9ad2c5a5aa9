'use strict';
// An in-memory stand-in for the parts of SpreadsheetApp the add-on uses. It is
// strict where Sheets is strict (range bounds, data shape) and records every
// mutation so tests can prove which cells the add-on touched.

function blank(v) {
  return v === '' || v === null || v === undefined;
}

function copyCell(v) {
  return Object.prototype.toString.call(v) === '[object Date]' ? new Date(v.getTime()) : v;
}

class Range {
  constructor(sheet, row, col, numRows, numCols) {
    this.sheet = sheet;
    this.row = row;
    this.col = col;
    this.numRows = numRows;
    this.numCols = numCols;
  }
  getRow() {
    return this.row;
  }
  getColumn() {
    return this.col;
  }
  getNumRows() {
    return this.numRows;
  }
  getNumColumns() {
    return this.numCols;
  }
  getLastRow() {
    return this.row + this.numRows - 1;
  }
  getLastColumn() {
    return this.col + this.numCols - 1;
  }
  getA1Notation() {
    return `${columnLetter(this.col)}${this.row}:${columnLetter(this.getLastColumn())}${this.getLastRow()}`;
  }
  _each(fn) {
    const out = [];
    for (let r = 0; r < this.numRows; r++) {
      const row = [];
      for (let c = 0; c < this.numCols; c++) row.push(fn(this.row + r, this.col + c, r, c));
      out.push(row);
    }
    return out;
  }
  _checkShape(data, what) {
    if (!Array.isArray(data) || data.length !== this.numRows) {
      throw new Error(
        `Exception: The number of rows in the data does not match the number of rows in the range. ` +
          `The data has ${Array.isArray(data) ? data.length : 0} but the range has ${this.numRows}.`,
      );
    }
    for (const row of data) {
      if (!Array.isArray(row) || row.length !== this.numCols) {
        throw new Error(
          `Exception: The number of columns in the data does not match the number of columns in the range. ` +
            `The data has ${Array.isArray(row) ? row.length : 0} but the range has ${this.numCols}.`,
        );
      }
    }
    this.sheet._record(what, this);
  }
  getValues() {
    return this._each((r, c) => copyCell(this.sheet._get(r, c)));
  }
  getValue() {
    return copyCell(this.sheet._get(this.row, this.col));
  }
  setValues(data) {
    this._checkShape(data, 'setValues');
    this._each((r, c, i, j) => this.sheet._set(r, c, data[i][j]));
    return this;
  }
  getBackgrounds() {
    return this._each((r, c) => this.sheet.backgrounds.get(`${r},${c}`) || '#ffffff');
  }
  setBackgrounds(colours) {
    this._checkShape(colours, 'setBackgrounds');
    this._each((r, c, i, j) => {
      if (colours[i][j] === null) this.sheet.backgrounds.delete(`${r},${c}`);
      else this.sheet.backgrounds.set(`${r},${c}`, colours[i][j]);
    });
    return this;
  }
  getFontWeights() {
    return this._each((r, c) => this.sheet.fontWeights.get(`${r},${c}`) || 'normal');
  }
  setFontWeight(weight) {
    this.sheet._record('setFontWeight', this);
    this._each((r, c) => this.sheet.fontWeights.set(`${r},${c}`, weight));
    return this;
  }
  clearContent() {
    this.sheet._record('clearContent', this);
    this._each((r, c) => this.sheet._set(r, c, ''));
    return this;
  }
}

function columnLetter(n) {
  let s = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

class Sheet {
  constructor(spreadsheet, name, rows, { maxRows, maxCols } = {}) {
    this.spreadsheet = spreadsheet;
    this.name = name;
    this.cells = rows.map((row) => row.slice());
    const width = Math.max(0, ...rows.map((r) => r.length));
    this.maxRows = maxRows || Math.max(rows.length, 1000);
    this.maxCols = maxCols || Math.max(width, 26);
    this.backgrounds = new Map();
    this.fontWeights = new Map();
    this.mutations = [];
  }
  _record(op, range) {
    this.mutations.push({
      op,
      row: range.row,
      col: range.col,
      lastRow: range.getLastRow(),
      lastCol: range.getLastColumn(),
    });
  }
  _get(r, c) {
    const row = this.cells[r - 1];
    const v = row ? row[c - 1] : undefined;
    return v === undefined || v === null ? '' : v;
  }
  _set(r, c, v) {
    while (this.cells.length < r) this.cells.push([]);
    const row = this.cells[r - 1];
    while (row.length < c) row.push('');
    row[c - 1] = v === null || v === undefined ? '' : copyCell(v);
  }
  getName() {
    return this.name;
  }
  getParent() {
    return this.spreadsheet;
  }
  getMaxRows() {
    return this.maxRows;
  }
  getMaxColumns() {
    return this.maxCols;
  }
  getLastRow() {
    for (let r = this.cells.length; r >= 1; r--) if (this.cells[r - 1].some((v) => !blank(v))) return r;
    return 0;
  }
  getLastColumn() {
    let last = 0;
    for (const row of this.cells) for (let c = row.length; c > last; c--) if (!blank(row[c - 1])) last = c;
    return last;
  }
  getRange(row, col, numRows = 1, numCols = 1) {
    if (![row, col, numRows, numCols].every(Number.isInteger) || row < 1 || col < 1 || numRows < 1 || numCols < 1) {
      throw new Error(`Exception: The coordinates of the range are outside the dimensions of the sheet.`);
    }
    if (row + numRows - 1 > this.maxRows) throw new Error('Exception: Those rows are out of bounds.');
    if (col + numCols - 1 > this.maxCols) throw new Error('Exception: Those columns are out of bounds.');
    return new Range(this, row, col, numRows, numCols);
  }
  getDataRange() {
    return this.getRange(1, 1, Math.max(this.getLastRow(), 1), Math.max(this.getLastColumn(), 1));
  }
  insertColumnsAfter(after, howMany) {
    if (after < 1 || after > this.maxCols) throw new Error('Exception: Those columns are out of bounds.');
    this.mutations.push({ op: 'insertColumnsAfter', after, howMany });
    for (const row of this.cells) if (row.length > after) row.splice(after, 0, ...Array(howMany).fill(''));
    this._shiftFormats(after + 1, howMany);
    this.maxCols += howMany;
  }
  deleteColumns(start, howMany) {
    if (start < 1 || start + howMany - 1 > this.maxCols) throw new Error('Exception: Those columns are out of bounds.');
    this.mutations.push({ op: 'deleteColumns', start, howMany });
    for (const row of this.cells) row.splice(start - 1, howMany);
    for (const map of [this.backgrounds, this.fontWeights]) {
      for (const key of [...map.keys()]) {
        const c = Number(key.split(',')[1]);
        if (c >= start && c < start + howMany) map.delete(key);
      }
    }
    this._shiftFormats(start + howMany, -howMany);
    this.maxCols -= howMany;
  }
  deleteColumn(col) {
    this.deleteColumns(col, 1);
  }
  _shiftFormats(fromCol, by) {
    for (const map of [this.backgrounds, this.fontWeights]) {
      const moved = [...map.entries()].filter(([k]) => Number(k.split(',')[1]) >= fromCol);
      for (const [k] of moved) map.delete(k);
      for (const [k, v] of moved) {
        const [r, c] = k.split(',').map(Number);
        map.set(`${r},${c + by}`, v);
      }
    }
  }
  /** Values as plain JSON (Dates as ISO text), for before/after comparisons. */
  snapshot({ fromCol = 1, toCol = this.getLastColumn() } = {}) {
    return this.cells.map((row) =>
      Array.from({ length: toCol - fromCol + 1 }, (_, i) => {
        const v = row[fromCol - 1 + i];
        if (v === undefined || v === null) return '';
        return Object.prototype.toString.call(v) === '[object Date]' ? { date: v.toISOString() } : v;
      }),
    );
  }
  /** Header texts of row 1. */
  header() {
    return this.cells[0].map(String);
  }
}

class Spreadsheet {
  constructor({ timeZone = 'Asia/Shanghai' } = {}) {
    this.timeZone = timeZone;
    this.sheets = [];
    this.active = null;
    this.toasts = [];
  }
  addSheet(name, rows, opts) {
    const sheet = new Sheet(this, name, rows, opts);
    this.sheets.push(sheet);
    if (!this.active) this.active = sheet;
    return sheet;
  }
  getActiveSheet() {
    return this.active;
  }
  getSheetByName(name) {
    return this.sheets.find((s) => s.name === name) || null;
  }
  getSpreadsheetTimeZone() {
    return this.timeZone;
  }
  toast(msg, title) {
    this.toasts.push({ msg: String(msg), title: title === undefined ? '' : String(title) });
  }
}

module.exports = { Spreadsheet, Sheet, Range, columnLetter };
