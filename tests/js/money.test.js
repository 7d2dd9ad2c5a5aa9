'use strict';
// The one money helper of the extension (common/money.js): exact fen arithmetic.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./harness/extension');

const { JdpgMoney: M } = load('common/money.js');

test('amounts as the API writes them become exact fen', () => {
  assert.equal(M.toFen('40.00'), 4000);
  assert.equal(M.toFen('0.1'), 10);
  assert.equal(M.toFen('-3.20'), -320);
  assert.equal(M.toFen('12'), 1200);
  assert.equal(M.toFen(null), 0);
});

test('anything that is not an amount counts as nothing, never as a part of it', () => {
  for (const bad of ['abc', '1.234', '1e3', '12.5元', '', '¥3.00']) assert.equal(M.toFen(bad), 0, bad);
});

test('sums stay exact where floats drift (0.10 + 0.20)', () => {
  assert.equal(0.1 + 0.2 === 0.3, false);
  assert.equal(M.fenToYuan(M.toFen('0.10') + M.toFen('0.20')), '0.30');
  assert.equal(M.fenToYuan(4000), '40.00');
  assert.equal(M.fenToYuan(-5), '-0.05');
  assert.equal(M.fenToYuan(0), '0.00');
});
