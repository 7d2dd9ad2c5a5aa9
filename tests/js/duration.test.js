'use strict';
// The one duration format: the extension (common/duration.js) says each case of
// fixtures/durations.json exactly as shared/duration.py does (tests/unit/test_duration.py reads
// the same file).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { load } = require('./harness/extension');

const { JdpgDuration: D } = load();
const { cases } = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'durations.json'), 'utf8'));

test('every case reads as the fixture says, in both languages', () => {
  assert.ok(cases.length > 20);
  for (const c of cases) {
    assert.deepEqual(D.fromMs(c.seconds * 1000, c.up), { zh: c.zh, en: c.en }, `${c.seconds} s up=${c.up}`);
  }
});

test('no duration reads ".0", and hours from the API (hundredths) round as the rules did', () => {
  for (const c of cases) assert.doesNotMatch(c.zh + c.en, /\.0\b/);
  assert.deepEqual(D.fromHours(18.99, true), { zh: '19 小时', en: '19 h' });
  assert.deepEqual(D.fromHours(18.99, false), { zh: '18.9 小时', en: '18.9 h' });
  assert.deepEqual(D.fromHours(0.01, true), { zh: '1 分钟', en: '1 min' });
  assert.deepEqual(D.fromHours(181.82, false), { zh: '7 天 13 小时', en: '7 d 13 h' });
  assert.deepEqual(D.fromHours(0.3, true), { zh: '18 分钟', en: '18 min' }); // 0.3 * 10 is not 3 in floating point
});
