'use strict';
// A small evaluator of Google Sheets formulas, for the stand-in's conditional formatting and
// filter criteria ("custom formula is"). It knows the syntax and the functions the add-on
// writes, with Sheets' semantics: A1 references (with $ anchors) move with the evaluated cell
// relative to the rule's anchor, text joins with &, errors propagate unless IFERROR catches
// them, REGEXMATCH wants text. Anything else is refused loudly, so a formula the stand-in
// cannot judge fails the test instead of passing it.

class FormulaError {
  constructor(code) {
    this.code = code;
  }
}
const isError = (v) => v instanceof FormulaError;

function columnNumber(letters) {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function tokenize(text) {
  const tokens = [];
  const re = /\s*(?:("(?:[^"]|"")*")|(\d+(?:\.\d+)?)|(\$?[A-Z]{1,3}\$?\d+)|([A-Z][A-Z0-9.]*)(?=\s*\()|(TRUE|FALSE)\b|(<>|<=|>=|[-+*/&=<>(),]))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new Error(`stand-in formula: cannot read ${JSON.stringify(text.slice(pos))} in ${text}`);
    pos = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'str', value: m[1].slice(1, -1).replace(/""/g, '"') });
    else if (m[2] !== undefined) tokens.push({ kind: 'num', value: Number(m[2]) });
    else if (m[3] !== undefined) tokens.push({ kind: 'ref', value: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: 'fn', value: m[4] });
    else if (m[5] !== undefined) tokens.push({ kind: 'bool', value: m[5] === 'TRUE' });
    else tokens.push({ kind: 'op', value: m[6] });
  }
  return tokens;
}

function parse(formula) {
  if (typeof formula !== 'string' || !formula.startsWith('=')) throw new Error(`stand-in formula: not a formula: ${formula}`);
  const tokens = tokenize(formula.slice(1));
  let i = 0;
  const peek = () => tokens[i];
  const take = (value) => {
    const t = tokens[i];
    if (!t || (value !== undefined && t.value !== value)) throw new Error(`stand-in formula: expected ${value} in ${formula}`);
    i++;
    return t;
  };
  const isOp = (...ops) => peek() && peek().kind === 'op' && ops.includes(peek().value);
  function comparison() {
    let left = concat();
    while (isOp('=', '<>', '<', '>', '<=', '>=')) left = { op: take().value, left, right: concat() };
    return left;
  }
  function concat() {
    let left = additive();
    while (isOp('&')) left = { op: take().value, left, right: additive() };
    return left;
  }
  function additive() {
    let left = unary();
    while (isOp('+', '-')) left = { op: take().value, left, right: unary() };
    return left;
  }
  function unary() {
    if (isOp('-')) {
      take();
      return { op: 'neg', arg: unary() };
    }
    return primary();
  }
  function primary() {
    const t = take();
    if (t.kind === 'num' || t.kind === 'str' || t.kind === 'bool') return { lit: t.value };
    if (t.kind === 'ref') {
      const m = /^(\$?)([A-Z]+)(\$?)(\d+)$/.exec(t.value);
      return { ref: { colAbs: !!m[1], col: columnNumber(m[2]), rowAbs: !!m[3], row: Number(m[4]) } };
    }
    if (t.kind === 'fn') {
      take('(');
      const args = [];
      if (!isOp(')')) {
        args.push(comparison());
        while (isOp(',')) {
          take();
          args.push(comparison());
        }
      }
      take(')');
      return { fn: t.value, args };
    }
    if (t.value === '(') {
      const inner = comparison();
      take(')');
      return inner;
    }
    throw new Error(`stand-in formula: unexpected ${t.value} in ${formula}`);
  }
  const tree = comparison();
  if (i !== tokens.length) throw new Error(`stand-in formula: trailing input in ${formula}`);
  return tree;
}

const blankOr = (v, empty) => (v === '' || v === null || v === undefined ? empty : v);
const asText = (v) => (typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(blankOr(v, '')));

function asNumber(v) {
  if (isError(v)) return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const text = String(blankOr(v, '')).trim();
  if (text === '') return 0;
  return /^[-+]?\d+(\.\d+)?$/.test(text) ? Number(text) : new FormulaError('#VALUE!');
}

const FUNCTIONS = {
  OR: (args) => args.find(isError) || args.some((a) => Boolean(blankOr(a, false))),
  AND: (args) => args.find(isError) || args.every((a) => Boolean(blankOr(a, false))),
  NOT: ([a]) => (isError(a) ? a : !blankOr(a, false)),
  LEN: ([a]) => (isError(a) ? a : asText(a).length),
  VALUE: ([a]) => asNumber(a),
  REGEXMATCH([text, pattern]) {
    if (isError(text)) return text;
    if (typeof text !== 'string') return new FormulaError('#VALUE!');
    return new RegExp(asText(pattern)).test(text);
  },
};

function evaluate(node, cell, read) {
  if ('lit' in node) return node.lit;
  if (node.ref) {
    const r = node.ref.rowAbs ? node.ref.row : node.ref.row + cell.dRow;
    const c = node.ref.colAbs ? node.ref.col : node.ref.col + cell.dCol;
    if (r < 1 || c < 1) return new FormulaError('#REF!');
    return read(r, c);
  }
  if (node.fn === 'IFERROR') {
    const v = evaluate(node.args[0], cell, read);
    return isError(v) ? evaluate(node.args[1], cell, read) : v;
  }
  if (node.fn) {
    const fn = FUNCTIONS[node.fn];
    if (!fn) throw new Error(`stand-in formula: function ${node.fn} is not modelled`);
    return fn(node.args.map((a) => evaluate(a, cell, read)));
  }
  if (node.op === 'neg') {
    const v = asNumber(evaluate(node.arg, cell, read));
    return isError(v) ? v : -v;
  }
  const left = evaluate(node.left, cell, read);
  const right = evaluate(node.right, cell, read);
  if (isError(left)) return left;
  if (isError(right)) return right;
  if (node.op === '&') return asText(left) + asText(right);
  if (node.op === '+' || node.op === '-') {
    const a = asNumber(left);
    const b = asNumber(right);
    if (isError(a)) return a;
    if (isError(b)) return b;
    return node.op === '+' ? a + b : a - b;
  }
  const numeric = typeof blankOr(left, 0) === 'number' && typeof blankOr(right, 0) === 'number';
  const a = numeric ? blankOr(left, 0) : asText(left).toLowerCase();
  const b = numeric ? blankOr(right, 0) : asText(right).toLowerCase();
  return { '=': a === b, '<>': a !== b, '<': a < b, '>': a > b, '<=': a <= b, '>=': a >= b }[node.op];
}

/**
 * Whether `formula` holds for the cell at (row, col), written for the anchor cell
 * (anchorRow, anchorCol): relative references move by the cell's distance from the anchor.
 * An error or a non-true value counts as false, as in conditional formatting and filters.
 */
function formulaHolds(formula, { row, col, anchorRow, anchorCol }, read) {
  const v = evaluate(parse(formula), { dRow: row - anchorRow, dCol: col - anchorCol }, read);
  return v === true || (typeof v === 'number' && v !== 0);
}

module.exports = { parse, formulaHolds };
