'use strict';
// An in-memory stand-in for the parts of SpreadsheetApp the add-on uses. It is
// strict where Sheets is strict (range bounds, data shape, one filter per sheet)
// and records every mutation so tests can prove which cells the add-on touched.
// Conditional format rules are evaluated when a colour is read (as Sheets shows
// them live); a filter hides rows when its criteria are set, and, as in Sheets,
// does not re-filter rows whose values change later.

const { formulaHolds } = require('./formula');

function blank(v) {
  return v === '' || v === null || v === undefined;
}

/** Text Sheets reads as a number when it is typed (or written by setValues). */
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

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
    this._each((r, c, i, j) => this.sheet._enter(r, c, data[i][j]));
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
  setBackground(colour) {
    this.sheet._record('setBackground', this);
    this._each((r, c) => {
      if (colour === null) this.sheet.backgrounds.delete(`${r},${c}`);
      else this.sheet.backgrounds.set(`${r},${c}`, colour);
    });
    return this;
  }
  getNote() {
    return this.sheet.notes.get(`${this.row},${this.col}`) || '';
  }
  setNote(note) {
    this.sheet._record('setNote', this);
    this._each((r, c) => {
      if (note === null || note === '') this.sheet.notes.delete(`${r},${c}`);
      else this.sheet.notes.set(`${r},${c}`, String(note));
    });
    return this;
  }
  createFilter() {
    if (this.sheet.filter) throw new Error("Exception: You can't create a filter in a sheet that already has a filter.");
    this.sheet._record('createFilter', this);
    this.sheet.filter = new Filter(this.sheet, this.row, this.col, this.numRows, this.numCols);
    return this.sheet.filter;
  }
}

/** SpreadsheetApp.newFilterCriteria(): only the custom-formula criterion is modelled. */
class FilterCriteriaBuilder {
  whenFormulaSatisfied(formula) {
    this.formula = formula;
    return this;
  }
  build() {
    if (!this.formula) throw new Error('stand-in: only whenFormulaSatisfied criteria are modelled');
    const formula = this.formula;
    return { getCriteriaType: () => 'CUSTOM_FORMULA', getCriteriaValues: () => [formula], formula };
  }
}

class Filter {
  constructor(sheet, row, col, numRows, numCols) {
    this.sheet = sheet;
    this.range = { row, col, numRows, numCols };
    this.criteria = new Map();
    this.hidden = new Set();
  }
  getRange() {
    const { row, col, numRows, numCols } = this.range;
    return new Range(this.sheet, row, col, numRows, numCols);
  }
  getColumnFilterCriteria(columnPosition) {
    this._checkColumn(columnPosition);
    return this.criteria.get(columnPosition) || null;
  }
  setColumnFilterCriteria(columnPosition, criteria) {
    this._checkColumn(columnPosition);
    this.sheet.mutations.push({ op: 'setColumnFilterCriteria', col: columnPosition, row: 1, lastRow: 1, lastCol: columnPosition });
    if (criteria === null) this.criteria.delete(columnPosition);
    else this.criteria.set(columnPosition, criteria);
    this._apply();
    return this;
  }
  remove() {
    this.sheet.mutations.push({ op: 'removeFilter' });
    this.sheet.filter = null;
  }
  _checkColumn(c) {
    if (c < this.range.col || c >= this.range.col + this.range.numCols) {
      throw new Error('Exception: The column position is out of the range of the filter.');
    }
  }
  /** Hides the data rows (below the filter's header row) that fail a criterion. */
  _apply() {
    this.hidden = new Set();
    const first = this.range.row + 1;
    const last = this.range.row + this.range.numRows - 1;
    for (let r = first; r <= last; r++) {
      for (const [c, criteria] of this.criteria) {
        const holds = formulaHolds(criteria.formula, { row: r, col: c, anchorRow: first, anchorCol: c }, (rr, cc) =>
          this.sheet._get(rr, cc),
        );
        if (!holds) this.hidden.add(r);
      }
    }
  }
}

/** SpreadsheetApp.newConditionalFormatRule(): custom-formula rules with colours. */
class ConditionalFormatRuleBuilder {
  constructor() {
    this.rule = { formula: null, background: null, fontColor: null, ranges: [] };
  }
  whenFormulaSatisfied(formula) {
    this.rule.formula = formula;
    return this;
  }
  setBackground(colour) {
    this.rule.background = colour;
    return this;
  }
  setFontColor(colour) {
    this.rule.fontColor = colour;
    return this;
  }
  setRanges(ranges) {
    this.rule.ranges = [...ranges].map((r) => ({ row: r.row, col: r.col, numRows: r.numRows, numCols: r.numCols, sheet: r.sheet }));
    return this;
  }
  build() {
    if (!this.rule.formula) throw new Error('stand-in: only whenFormulaSatisfied rules are modelled');
    if (!this.rule.ranges.length) throw new Error('Exception: A conditional format rule must have at least one range.');
    return new ConditionalFormatRule({ ...this.rule, ranges: this.rule.ranges.map((r) => ({ ...r })) });
  }
}

class ConditionalFormatRule {
  constructor(data) {
    Object.assign(this, data);
  }
  getRanges() {
    return this.ranges.map((r) => new Range(r.sheet, r.row, r.col, r.numRows, r.numCols));
  }
  getBooleanCondition() {
    const rule = this;
    return {
      getCriteriaType: () => 'CUSTOM_FORMULA',
      getCriteriaValues: () => [rule.formula],
      getBackground: () => rule.background,
      getFontColor: () => rule.fontColor,
    };
  }
  copy() {
    const builder = new ConditionalFormatRuleBuilder();
    builder.rule = { formula: this.formula, background: this.background, fontColor: this.fontColor, ranges: this.ranges.map((r) => ({ ...r })) };
    return builder;
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
    this.formulas = new Map(); // cells whose written text Sheets reads as a formula
    this.notes = new Map();
    this.mutations = [];
    this.conditionalRules = [];
    this.filter = null;
    this.sheetId = spreadsheet.sheets.length ? Math.max(...spreadsheet.sheets.map((s) => s.sheetId)) + 1000 : 0;
  }
  getSheetId() {
    return this.sheetId;
  }
  getFilter() {
    return this.filter;
  }
  isRowHiddenByFilter(rowPosition) {
    return Boolean(this.filter && this.filter.hidden.has(rowPosition));
  }
  getConditionalFormatRules() {
    return this.conditionalRules.map((rule) => new ConditionalFormatRule({ ...rule, ranges: rule.ranges.map((r) => ({ ...r })) }));
  }
  setConditionalFormatRules(rules) {
    this.mutations.push({ op: 'setConditionalFormatRules', count: rules.length });
    for (const rule of rules) {
      for (const r of rule.ranges) if (r.sheet !== this) throw new Error('Exception: The range is not on this sheet.');
    }
    this.conditionalRules = [...rules].map((rule) => new ConditionalFormatRule({ ...rule, ranges: rule.ranges.map((r) => ({ ...r })) }));
  }
  /**
   * The colour Sheets shows: the first conditional rule (in list order) whose range holds the
   * cell and whose formula is true there, else the cell's own background. Not an Apps Script API.
   */
  shownColours(r, c) {
    for (const rule of this.conditionalRules) {
      const inRange = rule.ranges.some((g) => r >= g.row && r < g.row + g.numRows && c >= g.col && c < g.col + g.numCols);
      if (!inRange) continue;
      const anchor = rule.ranges[0];
      if (formulaHolds(rule.formula, { row: r, col: c, anchorRow: anchor.row, anchorCol: anchor.col }, (rr, cc) => this._get(rr, cc))) {
        return { background: rule.background, font: rule.fontColor };
      }
    }
    return { background: this.backgrounds.get(`${r},${c}`) || '#ffffff', font: null };
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
  /**
   * A value written as setValues writes it, read as Sheets reads what a person types: text
   * starting with "=" becomes a formula (recorded in `formulas`), text that reads as a number a
   * number, and a leading apostrophe keeps the rest as text (the apostrophe is not stored).
   * Date-like text, which Sheets also converts, is not modelled.
   */
  _enter(r, c, v) {
    const key = `${r},${c}`;
    this.formulas.delete(key);
    if (typeof v === 'string' && v.startsWith("'")) return this._set(r, c, v.slice(1));
    if (typeof v === 'string' && v.length > 1 && v.startsWith('=')) this.formulas.set(key, v);
    else if (typeof v === 'string' && NUMBER_TEXT.test(v.trim())) return this._set(r, c, Number(v.trim()));
    return this._set(r, c, v);
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
    this._moveColumnSpans(after + 1, 0, howMany);
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
    this._moveColumnSpans(start, howMany, 0);
    this.maxCols -= howMany;
  }
  /**
   * Moves the column spans of conditional rules and the filter when `removed` columns from
   * `at` are deleted or `added` columns are inserted before `at`, as Sheets does: spans shrink,
   * grow or shift; a rule range (and a filter) wholly deleted goes, and so do filter criteria
   * on deleted columns.
   */
  _moveColumnSpans(at, removed, added) {
    const move = (span) => {
      const last = span.col + span.numCols - 1;
      const map = (c, edge) => {
        if (c < at) return c;
        if (removed && c < at + removed) return edge === 'first' ? at : at - 1;
        return c - removed + added;
      };
      const first = map(span.col, 'first');
      const end = map(last, 'last');
      return end < first ? null : { ...span, col: first, numCols: end - first + 1 };
    };
    this.conditionalRules = this.conditionalRules
      .map((rule) => new ConditionalFormatRule({ ...rule, ranges: rule.ranges.map(move).filter(Boolean) }))
      .filter((rule) => rule.ranges.length);
    for (const key of [...this.notes.keys()]) {
      const [r, c] = key.split(',').map(Number);
      const note = this.notes.get(key);
      this.notes.delete(key);
      if (removed && c >= at && c < at + removed) continue;
      this.notes.set(`${r},${c >= at ? c - removed + added : c}`, note);
    }
    if (this.filter) {
      const span = move(this.filter.range);
      if (!span) {
        this.filter = null;
        return;
      }
      const criteria = new Map();
      for (const [c, value] of this.filter.criteria) {
        if (removed && c >= at && c < at + removed) continue;
        criteria.set(c >= at ? c - removed + added : c, value);
      }
      this.filter.range = span;
      this.filter.criteria = criteria;
    }
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
  getSheets() {
    return this.sheets.slice();
  }
  setActiveSheet(sheet) {
    this.active = sheet;
    return sheet;
  }
  deleteSheet(sheet) {
    this.sheets = this.sheets.filter((s) => s !== sheet);
    if (this.active === sheet) this.active = this.sheets[0] || null;
  }
  getSpreadsheetTimeZone() {
    return this.timeZone;
  }
  toast(msg, title) {
    this.toasts.push({ msg: String(msg), title: title === undefined ? '' : String(title) });
  }
}

module.exports = { Spreadsheet, Sheet, Range, columnLetter, FilterCriteriaBuilder, ConditionalFormatRuleBuilder };
